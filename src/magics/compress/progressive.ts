// `%compress --strategy auto --progressive S`: the staged auto mode of src/compress/progressive.ts
// wired to the session: sensitivity on the validation split (BN recalibrated), scores by the
// chosen criterion, and a short fine-tune (--progressive-steps SGD steps) between stages. Returns
// one plan over the original layers (channels before -> after the last stage) for the plan view.
// With --exact-cycles the last stage re-plans until the simulated cycles meet the budget.
import type { Graph } from '../../ir/types.js';
import { train } from '../../bwdnn/train/index.js';
import { progressiveCompress, sensitivity, type BudgetLimits, type CompressionPlan, type Criterion, type CycleCost } from '../../compress/index.js';
import { ProgressBar } from '../../display/index.js';
import type { MagicContext } from '../types.js';
import type { TargetDesc } from '../../target/index.js';
import type { CycleModel } from '../../session/cycle-model.js';
import { planWithinSimulatedCycles, roundText, simulatedCyclesRow, type ExactCyclesResult } from '../../session/exact-cycles.js';
import { resolveDataset } from '../train/dataset.js';
import { evalData, evaluator, groupsOf, recalibrator, scoresFor } from './common.js';

export interface ProgressiveArgs {
  limits: BudgetLimits; stages: number; steps: number; criterion: Criterion;
  simd: number; minKeep: number; keeps: number[]; samples: number; cycles?: CycleCost;
  /** --exact-cycles: the last stage re-plans until its simulated cycles meet limits.cycles. */
  exact?: { cm: CycleModel; target: TargetDesc };
}

export async function progressivePlan(ctx: MagicContext, g: Graph, a: ProgressiveArgs): Promise<{ graph: Graph; plan: CompressionPlan; simulated?: ExactCyclesResult['cycles'] }> {
  let simulated: ExactCyclesResult['cycles'] | undefined;
  const exact = a.exact;
  const data = evalData(ctx.session, undefined, a.samples, 64);
  const trainSet = resolveDataset(ctx.session, undefined, 'train').ds;
  const bar = new ProgressBar(ctx.displayer, a.stages, `progressive auto (${a.stages} stages)`, { unit: 'stage' });
  const res = await progressiveCompress(g, {
    limits: a.limits, stages: a.stages, simd: a.simd, minKeep: a.minKeep, signal: ctx.signal, ...(a.cycles ? { cycles: a.cycles } : {}),
    scores: (x, groups) => scoresFor(ctx.session, x, groups, a.criterion),
    measure: (x, groups, scores) => sensitivity(x, groups, { keeps: a.keeps, criterion: a.criterion, scores, evaluate: evaluator(data.val, ctx.signal), recalibrate: recalibrator(data.calib), signal: ctx.signal }),
    finetune: async (x, stage) => {
      bar.update(stage - 0.5, `stage ${stage}: fine-tuning ${a.steps} steps`);
      await train(x, trainSet, { epochs: 1, batchSize: 32, lr: 0.01, seed: stage, maxSteps: a.steps, signal: ctx.signal });
    },
    recalibrate: recalibrator(data.calib),
    onStage: (s) => bar.update(s.stage, `stage ${s.stage}: FLOPs ${(100 * s.plan.costs.flops / s.plan.original.flops).toFixed(0)} % of stage input`),
    ...(exact ? {
      lastStage: async (plan, limits) => {
        const r = await planWithinSimulatedCycles({ limits, cm: exact.cm, target: exact.target, plan, signal: ctx.signal, onRound: (x, budget) => ctx.stdout(roundText(x, budget, exact.target.name) + '\n') });
        simulated = r.cycles;
        return r;
      },
    } : {}),
  });
  bar.done(`${res.stages.length} stages`);
  const first = res.stages[0]!.plan, last = res.stages.at(-1)!.plan;
  const after = new Map(last.rows.map((r) => [r.layer, r.kept]));
  const rows = first.rows.map((r) => { const kept = after.get(r.layer) ?? r.kept; return { ...r, kept, keep: kept / r.channels }; });
  // with --exact-cycles the cycles row shows the simulation of the result against the budget
  const budgets = simulated ? simulatedCyclesRow(res.budgets, a.limits.cycles!, simulated.simulated, exact!.cm.original) : res.budgets;
  const plan: CompressionPlan = { ...first, strategy: 'auto', rows, costs: res.costs, original: res.original, budgets };
  return { graph: res.graph, plan, ...(simulated ? { simulated } : {}) };
}
