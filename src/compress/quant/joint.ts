// Joint pruning + bit-width allocation (issue #9 part 4): per layer, the kept channels and the
// precision (32-bit float, int16, int8) under the same hard budgets, from measured sensitivity
// (pruning curves + per-layer bit sensitivity). Greedy like `auto`: from the full fp32 model, take
// the move (one group one channel step down, or one layer one precision step down) with the
// least predicted loss per unit of budget pressure relieved, until every budget is met.
import type { Graph, Tensor } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import type { QModel } from '../../bwdnn/quant/model.js';
import type { ChannelGroup } from '../groups.js';
import { applyPruning, type KeepPlan } from '../prune.js';
import { topChannels } from '../criteria.js';
import { lossAt, orderedGroups, roundCount } from '../allocate.js';
import type { BudgetLimits, BudgetName, BudgetUse } from '../budgets.js';
import type { SensitivityResult } from '../sensitivity.js';
import { fakeQuantize, quantLayers, type BitSensitivity, type LayerBits } from './bit-sensitivity.js';
import { jointBudgetValue, jointCosts, macCycles, type JointCosts, type JointCycleCost } from './joint-costs.js';
import { collectStats } from './calibrate.js';
import { lowerToInteger } from './lower.js';

export interface JointOptions {
  /** Absolute limits (see resolveJointBudgets for fractions of the fp32 model). */
  limits: BudgetLimits;
  scores: Map<number, Float64Array>;
  curves: SensitivityResult;
  bitCurves: BitSensitivity;
  simd?: number;
  minKeep?: number;
  cycles?: JointCycleCost;
  /** Allowed precisions (default 32, 16, 8); [32] = pruning only. */
  bits?: readonly LayerBits[];
}

export interface JointRow { layer: string; group?: number; channels: number; kept: number; bits: LayerBits }
export interface JointPlan {
  keep: KeepPlan;
  counts: Map<number, number>;
  bits: Record<string, LayerBits>;
  rows: JointRow[];
  costs: JointCosts;
  original: JointCosts;
  budgets: BudgetUse[];
  /** Sum of the predicted loss increases of the chosen moves (additive model). */
  predictedLoss: number;
}

/** Fractions (< 1) of the fp32 model's value, or absolute amounts, per budget. */
export function resolveJointBudgets(g: Graph, input: Partial<Record<BudgetName, number>>, cycles: JointCycleCost = macCycles): BudgetLimits {
  const c = jointCosts(g, {}), out: BudgetLimits = {};
  for (const [k, v] of Object.entries(input) as [BudgetName, number][]) out[k] = v < 1 ? v * jointBudgetValue(k, c, g, {}, cycles) : v;
  return out;
}

const bitLoss = (bc: BitSensitivity, layer: string, b: LayerBits): number => (b === 32 ? 0 : bc.layers.find((l) => l.layer === layer)?.loss[b] ?? Infinity);

export function allocateJoint(g: Graph, groups: ChannelGroup[], o: JointOptions): JointPlan {
  const simd = o.simd ?? 1, minKeep = o.minKeep ?? 0.1, cycles = o.cycles ?? macCycles;
  const allowed = [...(o.bits ?? [32, 16, 8])].sort((a, b) => b - a);
  const order = orderedGroups(g, groups), layers = quantLayers(g);
  const names = Object.keys(o.limits) as BudgetName[];
  const cache = new Map<string, Graph>();
  const pruned = (counts: Map<number, number>) => {
    const key = order.map((x) => counts.get(x.id)).join(',');
    let h = cache.get(key);
    if (!h) cache.set(key, (h = applyPruning(g, groups, new Map(order.map((x) => [x.id, [...Array(counts.get(x.id)!).keys()]])))));
    return h;
  };
  const values = (counts: Map<number, number>, bits: Record<string, LayerBits>) => {
    const pg = pruned(counts), c = jointCosts(pg, bits);
    return names.map((b) => jointBudgetValue(b, c, pg, bits, cycles));
  };
  const meets = (v: number[]) => v.every((x, i) => x <= o.limits[names[i]!]! * (1 + 1e-9));
  const pressure = (v: number[]) => v.reduce((a, x, i) => a + Math.max(0, x / o.limits[names[i]!]! - 1) + 1e-3 * (x / o.limits[names[i]!]!), 0);
  const options = new Map(order.map((x) => {
    const ks = new Set([...o.curves.keeps, 1].map((k) => roundCount(x.size, k, simd, minKeep)));
    const lo = roundCount(x.size, 0, simd, minKeep), step = Math.max(simd, Math.ceil(x.size / 16 / simd) * simd);
    for (let c = x.size; c > lo; c -= step) ks.add(roundCount(x.size, c / x.size, simd, minKeep));
    ks.add(lo);
    return [x.id, [...ks].sort((a, b) => b - a)];
  }));
  const counts = new Map(order.map((x) => [x.id, x.size]));
  const bits: Record<string, LayerBits> = Object.fromEntries(layers.map((l) => [l, allowed[0]!]));
  let predicted = layers.reduce((a, l) => a + bitLoss(o.bitCurves, l, bits[l]!), 0);
  let now = values(counts, bits);
  while (!meets(now)) {
    const p0 = pressure(now);
    let best: { apply(): void; dLoss: number; score: number } | undefined;
    const consider = (dLossRaw: number, trialCounts: Map<number, number>, trialBits: Record<string, LayerBits>, apply: () => void) => {
      const saved = p0 - pressure(values(trialCounts, trialBits));
      if (!(saved > 0) || !Number.isFinite(dLossRaw)) return;
      const dLoss = Math.max(1e-6, dLossRaw), score = dLoss / saved;
      if (!best || score < best.score) best = { apply, dLoss: dLossRaw, score };
    };
    for (const x of order) {
      const cur = counts.get(x.id)!, next = options.get(x.id)!.find((k) => k < cur);
      if (next === undefined) continue;
      const d = lossAt(o.curves, x.id, next / x.size) - lossAt(o.curves, x.id, cur / x.size);
      consider(d, new Map(counts).set(x.id, next), bits, () => counts.set(x.id, next));
    }
    for (const l of layers) {
      const next = allowed.find((b) => b < bits[l]!);
      if (next === undefined) continue;
      consider(bitLoss(o.bitCurves, l, next) - bitLoss(o.bitCurves, l, bits[l]!), counts, { ...bits, [l]: next }, () => { bits[l] = next; });
    }
    if (!best) {
      const msg = names.map((b, i) => `--${b} ${o.limits[b]!.toPrecision(4)} (reached ${now[i]!.toPrecision(4)})`).join('; ');
      throw new BwvmError('BUDGET_INFEASIBLE', `joint allocation cannot meet the budget: ${msg}`, { hint: `relax the budget, allow 8-bit layers, or lower --min-keep (now ${minKeep})` });
    }
    const b: { apply(): void; dLoss: number } = best;
    b.apply();
    predicted += b.dLoss;
    now = values(counts, bits);
  }
  const final = pruned(counts), costs = jointCosts(final, bits), original = jointCosts(g, {});
  const groupOf = new Map(order.flatMap((x) => x.producers.map((p) => [p, x] as const)));
  const outCh = (gr: Graph, l: string) => { const n = gr.nodes.find((x) => x.name === l)!, W = gr.initializers.get(n.inputs[1]!)!; return n.op === 'Gemm' && n.attrs.transB !== 1 ? W.shape[1]! : W.shape[0]!; };
  return {
    keep: new Map(order.map((x) => [x.id, topChannels(o.scores.get(x.id)!, counts.get(x.id)!)])),
    counts, bits, costs, original, predictedLoss: predicted,
    rows: layers.map((l) => ({ layer: l, ...(groupOf.has(l) ? { group: groupOf.get(l)!.id } : {}), channels: outCh(g, l), kept: outCh(final, l), bits: bits[l]! })),
    budgets: names.map((b, i) => {
      const value = now[i]!, limit = o.limits[b]!;
      return { budget: b, limit, value, original: jointBudgetValue(b, original, g, {}, cycles), ok: value <= limit * (1 + 1e-9) };
    }),
  };
}

export interface AppliedJoint {
  /** The pruned float graph (batch norm still in place: recalibrate it before quantizing). */
  pruned: Graph;
  /** Float simulation of the mixed-precision model (8/16-bit layers fake-quantized). */
  simulated: Graph;
  /** The integer model (lowered with per-layer bits) when no layer stays 32-bit. */
  model?: QModel;
}

/** Prune by the plan, then quantize with per-layer bits (calibrated on `calib`). */
export function applyJoint(g: Graph, groups: ChannelGroup[], plan: JointPlan, calib: Tensor, recalibrate?: (pruned: Graph) => void): AppliedJoint {
  const pruned = applyPruning(g, groups, plan.keep);
  recalibrate?.(pruned);
  const stats = collectStats(pruned, calib);
  const simulated = fakeQuantize(pruned, stats, plan.bits);
  const out: AppliedJoint = { pruned, simulated };
  const layers = Object.entries(plan.bits);
  if (layers.every(([, b]) => b !== 32)) {
    out.model = lowerToInteger(pruned, stats, { bits: 8, layerBits: Object.fromEntries(layers.filter(([, b]) => b === 16)) as Record<string, 8 | 16> });
  }
  return out;
}
