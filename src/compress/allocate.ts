// Per-layer pruning ratios under hard budgets. Handcrafted baselines (AMC's): uniform, shallow
// (early layers cut harder), deep (late layers cut harder); proportional to sensitivity (as NNI);
// and `auto`: a multiple-choice knapsack over the measured sensitivity curves solved greedily
// on marginal loss per unit of budget saved, then refilled up to the budget. Channel counts are
// rounded to the SIMD width.
import type { Graph } from '../ir/types.js';
import { topoSort } from '../ir/graph.js';
import { BwvmError } from '../util/errors.js';
import type { ChannelGroup } from './groups.js';
import { applyPruning, type KeepPlan } from './prune.js';
import { modelCosts, type ModelCosts } from './costs.js';
import { budgetUse, budgetValue, type BudgetLimits, type BudgetName, type BudgetUse, type CycleCost } from './budgets.js';
import { topChannels } from './criteria.js';
import type { SensitivityResult } from './sensitivity.js';

export type Strategy = 'uniform' | 'shallow' | 'deep' | 'proportional' | 'auto';
export const STRATEGIES: readonly Strategy[] = ['uniform', 'shallow', 'deep', 'proportional', 'auto'];

export interface AllocOptions {
  strategy: Strategy;
  limits: BudgetLimits;
  scores: Map<number, Float64Array>;
  /** Channel counts are multiples of this (the target's SIMD width); default 1. */
  simd?: number;
  /** Never keep less than this fraction of a group (default 0.1). */
  minKeep?: number;
  curves?: SensitivityResult;
  cycles?: CycleCost;
}

export interface PlanRow { group: number; layer: string; channels: number; kept: number; keep: number }
export interface CompressionPlan {
  strategy: Strategy;
  keep: KeepPlan;
  counts: Map<number, number>;
  rows: PlanRow[];
  costs: ModelCosts;
  original: ModelCosts;
  budgets: BudgetUse[];
}

export function roundCount(size: number, keep: number, simd: number, minKeep: number): number {
  const lo = Math.min(size, Math.max(simd, Math.ceil(size * minKeep / simd) * simd));
  const k = Math.round((size * keep) / simd) * simd;
  return Math.max(lo, Math.min(size, k));
}

/** Prunable groups in the order their first producer runs (shallow first). */
export function orderedGroups(g: Graph, groups: ChannelGroup[]): ChannelGroup[] {
  const pos = new Map(topoSort(g).map((n, i) => [n.name, i]));
  return groups.filter((x) => !x.locked).sort((a, b) => pos.get(a.producers[0]!)! - pos.get(b.producers[0]!)!);
}

class Evaluator {
  private cache = new Map<string, { costs: ModelCosts; graph: Graph }>();
  constructor(private g: Graph, private groups: ChannelGroup[], private order: ChannelGroup[]) {}
  at(counts: Map<number, number>): { costs: ModelCosts; graph: Graph } {
    const key = this.order.map((x) => counts.get(x.id) ?? x.size).join(',');
    let hit = this.cache.get(key);
    if (!hit) {
      const plan: KeepPlan = new Map(this.order.map((x) => [x.id, [...Array(counts.get(x.id) ?? x.size).keys()]]));
      const graph = applyPruning(this.g, this.groups, plan);
      this.cache.set(key, (hit = { costs: modelCosts(graph), graph }));
    }
    return hit;
  }
}

/** Loss increase of keeping `keep` of a group, interpolated on its curve (0 at keep = 1). */
export function lossAt(curves: SensitivityResult, gid: number, keep: number): number {
  const c = curves.curves.find((x) => x.group === gid);
  if (!c) throw new BwvmError('ALLOC_CURVES', `no sensitivity curve for group ${gid}`, { hint: 'run %sensitivity on this model first' });
  const pts = [...c.points.map((p) => [p.keep, p.loss - curves.base.loss] as const), [1, 0] as const].sort((a, b) => a[0] - b[0]);
  if (keep <= pts[0]![0]) {
    // below the smallest measured keep: extend the first segment's slope (never flatter than the
    // average slope to keep 1), so cutting past the measured range is never free
    const [k0, l0] = pts[0]!, [k1, l1] = pts[1] ?? [1, 0];
    const slope = Math.max((l0 - l1) / Math.max(k1 - k0, 1e-9), l0 / Math.max(1 - k0, 1e-9), 0);
    return l0 + slope * (k0 - keep);
  }
  for (let i = 1; i < pts.length; i++) {
    const [k1, l1] = pts[i]!, [k0, l0] = pts[i - 1]!;
    if (keep <= k1) return l0 + ((l1 - l0) * (keep - k0)) / (k1 - k0 || 1);
  }
  return 0;
}

export function allocate(g: Graph, groups: ChannelGroup[], o: AllocOptions): CompressionPlan {
  const simd = o.simd ?? 1, minKeep = o.minKeep ?? 0.1;
  const order = orderedGroups(g, groups);
  if (!order.length) throw new BwvmError('ALLOC_NOTHING', `model '${g.name}' has no prunable layer`);
  const ev = new Evaluator(g, groups, order);
  const original = modelCosts(g);
  const names = Object.keys(o.limits) as BudgetName[];
  const meets = (counts: Map<number, number>) => { const r = ev.at(counts); return names.every((b) => budgetValue(b, r.costs, r.graph, o.cycles) <= o.limits[b]! * (1 + 1e-9)); };
  const minimal = new Map(order.map((x) => [x.id, roundCount(x.size, 0, simd, minKeep)]));
  if (!meets(minimal)) {
    const r = ev.at(minimal);
    const bad = names.filter((b) => budgetValue(b, r.costs, r.graph, o.cycles) > o.limits[b]!);
    const msg = bad.map((b) => `--${b} ${o.limits[b]!.toPrecision(4)} (smallest reachable: ${budgetValue(b, r.costs, r.graph, o.cycles).toPrecision(4)})`).join('; ');
    throw new BwvmError('BUDGET_INFEASIBLE', `budget cannot be met: ${msg}`, { hint: `relax the budget, or lower --min-keep (now ${minKeep})`, details: { budgets: bad } });
  }
  let counts: Map<number, number>;
  if (o.strategy === 'auto') counts = autoCounts(order, o, simd, minKeep, meets, ev, names);
  else {
    const L = order.length;
    let w = order.map((_, i) => (L === 1 ? 1 : o.strategy === 'shallow' ? 1.5 - i / (L - 1) : o.strategy === 'deep' ? 0.5 + i / (L - 1) : 1));
    if (o.strategy === 'proportional') {
      if (!o.curves) throw new BwvmError('ALLOC_CURVES', 'the proportional strategy needs sensitivity curves', { hint: 'run %sensitivity first' });
      const s = order.map((x) => Math.max(1e-4, lossAt(o.curves!, x.id, 0.5)));
      const inv = s.map((v) => 1 / v), mean = inv.reduce((a, b) => a + b, 0) / L;
      w = inv.map((v) => v / mean);
    }
    const at = (p: number) => new Map(order.map((x, i) => [x.id, roundCount(x.size, 1 - Math.min(1, p * w[i]!), simd, minKeep)]));
    let lo = 0, hi = 1 / Math.min(...w.filter((v) => v > 0));
    if (!meets(at(hi))) hi = Math.max(...w.map((v) => 1 / Math.max(v, 1e-6)));
    for (let it = 0; it < 40; it++) { const mid = (lo + hi) / 2; if (meets(at(mid))) hi = mid; else lo = mid; }
    counts = at(hi);
    if (!meets(counts)) counts = minimal;
  }
  if (!meets(counts)) throw new BwvmError('ALLOC_INTERNAL', `strategy '${o.strategy}' ended on a plan that breaks a budget`, { hint: 'please report this with the model; use another --strategy meanwhile' });
  const keep: KeepPlan = new Map(order.map((x) => [x.id, topChannels(o.scores.get(x.id)!, counts.get(x.id)!)]));
  const final = ev.at(counts);
  return {
    strategy: o.strategy, keep, counts,
    rows: order.map((x) => ({ group: x.id, layer: x.producers.join('+'), channels: x.size, kept: counts.get(x.id)!, keep: counts.get(x.id)! / x.size })),
    costs: final.costs, original,
    budgets: budgetUse(o.limits, final.costs, final.graph, original, g, o.cycles),
  };
}

/** A planner for changing limits: allocate under them, then prune the graph to the plan (what
 * `--exact-cycles` re-runs each round with a tightened cycle limit). */
export function pruningPlanner(g: Graph, groups: ChannelGroup[], o: Omit<AllocOptions, 'limits'>): (limits: AllocOptions['limits']) => { plan: CompressionPlan; graph: Graph } {
  return (limits) => {
    const plan = allocate(g, groups, { ...o, limits });
    return { plan, graph: applyPruning(g, groups, plan.keep) };
  };
}

function autoCounts(order: ChannelGroup[], o: AllocOptions, simd: number, minKeep: number, meets: (c: Map<number, number>) => boolean, ev: Evaluator, names: BudgetName[]): Map<number, number> {
  if (!o.curves) throw new BwvmError('ALLOC_CURVES', "the 'auto' strategy needs sensitivity curves", { hint: 'run %sensitivity on this model first' });
  const counts = new Map(order.map((x) => [x.id, x.size]));
  // candidate counts: the measured keeps plus a grid of SIMD multiples down to the minimum (at
  // most ~16 steps per group), so the greedy can always reach the minimal (feasible) plan
  const options = new Map(order.map((x) => {
    const ks = new Set([...o.curves!.keeps, 1].map((k) => roundCount(x.size, k, simd, minKeep)));
    const lo = roundCount(x.size, 0, simd, minKeep), step = Math.max(simd, Math.ceil(x.size / 16 / simd) * simd);
    for (let c = x.size; c > lo; c -= step) ks.add(roundCount(x.size, c / x.size, simd, minKeep));
    ks.add(lo);
    return [x.id, [...ks].sort((a, b) => b - a)];
  }));
  const pressure = (c: Map<number, number>) => { const r = ev.at(c); return names.reduce((a, b) => a + Math.max(0, budgetValue(b, r.costs, r.graph, o.cycles) / o.limits[b]! - 1), 0) + names.reduce((a, b) => a + budgetValue(b, r.costs, r.graph, o.cycles) / o.limits[b]!, 0) * 1e-3; };
  while (!meets(counts)) {
    const now = pressure(counts);
    let best: { id: number; k: number; score: number } | undefined;
    for (const x of order) {
      const cur = counts.get(x.id)!;
      const next = options.get(x.id)!.find((k) => k < cur);
      if (next === undefined) continue;
      const trial = new Map(counts).set(x.id, next);
      const saved = now - pressure(trial);
      if (saved <= 0) continue;
      const dLoss = Math.max(1e-6, lossAt(o.curves, x.id, next / x.size) - lossAt(o.curves, x.id, cur / x.size));
      const score = dLoss / saved;
      if (!best || score < best.score) best = { id: x.id, k: next, score };
    }
    if (!best) break;
    counts.set(best.id, best.k);
  }
  return meets(counts) ? refill(order, options, counts, o.curves, meets, pressure) : counts;
}

/** The greedy stops at the first plan within budget, usually with some budget left (its last
 * step can overshoot by a whole grid step). Give channels back while every budget still holds:
 * each step takes the next larger option of the group with the largest estimated loss recovered
 * per unit of budget spent, until no group can grow. The result is maximal: no single group can
 * take its next option without breaking a budget. */
function refill(order: ChannelGroup[], options: Map<number, number[]>, counts: Map<number, number>, curves: SensitivityResult, meets: (c: Map<number, number>) => boolean, pressure: (c: Map<number, number>) => number): Map<number, number> {
  for (;;) {
    const now = pressure(counts);
    let best: { id: number; k: number; score: number } | undefined;
    for (const x of order) {
      const cur = counts.get(x.id)!;
      const next = options.get(x.id)!.filter((k) => k > cur).at(-1);
      if (next === undefined) continue;
      const trial = new Map(counts).set(x.id, next);
      if (!meets(trial)) continue;
      const gain = Math.max(1e-6, lossAt(curves, x.id, cur / x.size) - lossAt(curves, x.id, next / x.size));
      const score = gain / Math.max(1e-12, pressure(trial) - now);
      if (!best || score > best.score) best = { id: x.id, k: next, score };
    }
    if (!best) return counts;
    counts.set(best.id, best.k);
  }
}
