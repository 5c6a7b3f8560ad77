// Progressive `auto` compression: reach the final budgets in S stages. Each stage re-measures
// the sensitivity of the current (already pruned and briefly fine-tuned) model, allocates with
// `auto` against limits interpolated geometrically from the original model's values to the final
// ones, prunes physically, and fine-tunes briefly before the next stage (not after the last: the
// caller gives every strategy the same final fine-tune). Measuring, scoring and fine-tuning are
// handed in, so this file only owns the staging.
import type { Graph } from '../ir/types.js';
import { BwvmError } from '../util/errors.js';
import { analyzeGroups, type ChannelGroup } from './groups.js';
import { pruningPlanner, type CompressionPlan } from './allocate.js';
import { modelCosts, type ModelCosts } from './costs.js';
import { budgetUse, budgetValue, type BudgetLimits, type BudgetName, type BudgetUse, type CycleCost } from './budgets.js';
import type { SensitivityResult } from './sensitivity.js';

export interface ProgressiveOptions {
  /** Final absolute limits (as resolveBudgets returns them for the original model). */
  limits: BudgetLimits;
  /** Number of stages (default 3). */
  stages?: number;
  simd?: number;
  /** Never keep less than this fraction of a layer's original channels overall (default 0.1). */
  minKeep?: number;
  cycles?: CycleCost;
  scores(g: Graph, groups: ChannelGroup[]): Map<number, Float64Array> | Promise<Map<number, Float64Array>>;
  measure(g: Graph, groups: ChannelGroup[], scores: Map<number, Float64Array>): Promise<SensitivityResult>;
  /** Short fine-tune between stages (in place). */
  finetune(g: Graph, stage: number): Promise<void>;
  recalibrate?(g: Graph): void | Promise<void>;
  signal?: AbortSignal;
  onStage?(s: ProgressiveStage): void;
  /**
   * Makes the last stage's plan from its planner (allocate under limits, then prune) and limits,
   * e.g. re-planning until a simulated cycle budget holds (src/session/exact-cycles.ts). Default:
   * one plan under the limits.
   */
  lastStage?(plan: (limits: BudgetLimits) => { plan: CompressionPlan; graph: Graph }, limits: BudgetLimits): Promise<{ plan: CompressionPlan; graph: Graph }>;
}

export interface ProgressiveStage { stage: number; limits: BudgetLimits; plan: CompressionPlan; graph: Graph }
export interface ProgressiveResult {
  graph: Graph;
  stages: ProgressiveStage[];
  original: ModelCosts;
  costs: ModelCosts;
  budgets: BudgetUse[];
}

/** The limits of stage s of S: geometric steps from the original values to the final limits. */
export function stageLimits(limits: BudgetLimits, g: Graph, original: ModelCosts, s: number, S: number, cycles?: CycleCost): BudgetLimits {
  const out: BudgetLimits = {};
  for (const [b, L] of Object.entries(limits) as [BudgetName, number][]) {
    const v0 = budgetValue(b, original, g, cycles);
    out[b] = s >= S || v0 <= L ? L : v0 * Math.pow(L / v0, s / S);
  }
  return out;
}

export async function progressiveCompress(g: Graph, o: ProgressiveOptions): Promise<ProgressiveResult> {
  const S = Math.round(o.stages ?? 3);
  if (!(S >= 1 && S <= 10)) throw new BwvmError('PROGRESSIVE_STAGES', `--progressive needs 1..10 stages, got ${o.stages}`, { hint: 'e.g. --progressive 3' });
  const original = modelCosts(g);
  const stageMin = Math.pow(o.minKeep ?? 0.1, 1 / S);
  const stages: ProgressiveStage[] = [];
  let cur = g;
  for (let s = 1; s <= S; s++) {
    o.signal?.throwIfAborted();
    const groups = analyzeGroups(cur);
    const scores = await o.scores(cur, groups);
    const curves = await o.measure(cur, groups, scores);
    o.signal?.throwIfAborted();
    const limits = stageLimits(o.limits, g, original, s, S, o.cycles);
    const planAt = pruningPlanner(cur, groups, { strategy: 'auto', scores, curves, simd: o.simd ?? 1, minKeep: stageMin, ...(o.cycles ? { cycles: o.cycles } : {}) });
    const { plan, graph: next } = s === S && o.lastStage ? await o.lastStage(planAt, limits) : planAt(limits);
    next.name = g.name;
    await o.recalibrate?.(next);
    if (s < S) await o.finetune(next, s);
    cur = next;
    const rec = { stage: s, limits, plan, graph: cur };
    stages.push(rec);
    o.onStage?.(rec);
  }
  const costs = modelCosts(cur);
  return { graph: cur, stages, original, costs, budgets: budgetUse(o.limits, costs, cur, original, g, o.cycles) };
}
