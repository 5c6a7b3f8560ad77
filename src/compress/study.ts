// The compression study (issue #5's experiment) as a library function: for each model, measure
// sensitivity once, then for every FLOPs budget x strategy x seed: allocate, prune physically,
// recalibrate BN, evaluate, fine-tune with the SAME schedule for every strategy, evaluate again.
// `summarizeStudy` gives mean and spread per (model, budget, strategy); `studyVerdict` says whether
// auto beat every baseline at a budget. The notebook notebooks/compression-study.ipynb drives it.
import type { Graph, Tensor } from '../ir/types.js';
import { run } from '../bwdnn/reference/run.js';
import { cloneGraph } from '../ir/graph.js';
import type { Dataset } from '../bwdnn/data/dataset.js';
import { evaluate } from '../bwdnn/train/evaluate.js';
import { train, trainEngine, type TrainOptions } from '../bwdnn/train/index.js';
import { analyzeGroups, type ChannelGroup } from './groups.js';
import { applyPruning } from './prune.js';
import { allocate, orderedGroups, type Strategy } from './allocate.js';
import { modelCosts } from './costs.js';
import { resolveBudgets } from './budgets.js';
import { recalibrateBn } from './recalibrate.js';
import { sensitivity, type SensitivityResult } from './sensitivity.js';
import { progressiveCompress } from './progressive.js';
import { BwvmError } from '../util/errors.js';
import { groupScores } from './scores.js';
import type { Criterion } from './criteria.js';
import { mean, pairedT, sampleStd as std, welch } from '../util/stats.js';

export interface StudyOptions {
  models: string[];
  /** The trained model to compress (a fresh copy each call is not needed: the study clones). */
  base(name: string): Graph | Promise<Graph>;
  strategies: Strategy[];
  /** FLOPs budgets as fractions of the original (e.g. 0.3, 0.5, 0.7). */
  flops: number[];
  seeds: number[];
  train: Dataset;
  /** Validation split for sensitivity. */
  val: Dataset;
  /** Held-out split for the reported accuracies. */
  test: Dataset;
  /** The fine-tune every strategy gets (seed is set per run). */
  finetune: Omit<TrainOptions, 'seed' | 'signal' | 'onStep' | 'onEpoch' | 'validation'>;
  keeps?: number[];
  criterion?: Criterion;
  simd?: number;
  minKeep?: number;
  calibSamples?: number;
  signal?: AbortSignal;
  /** Evaluation engine (default: bwdnn's WebAssembly kernels), e.g. onnxruntime or the reference. */
  evaluate?(g: Graph, ds: Dataset): Promise<{ accuracy: number; loss: number }>;
  /** auto's curves are measured with this many fine-tune steps at each point (the study's schedule
   * and batch at a constant rate, BN recalibrated first): recoverability instead of immediate loss.
   * The other strategies keep the plain curves. Default 0: auto uses the plain curves too. */
  autoRecoverSteps?: number;
  /** auto runs progressively (progressive.ts): `stages` allocations on re-measured (plain)
   * curves with `steps` fine-tune steps between stages. Those steps come out of its final
   * fine-tune, so every strategy trains the same number of steps in all. */
  autoProgressive?: { stages: number; steps: number };
  /** Rows of an earlier, interrupted run of the same study (same data, fine-tune and auto mode):
   * a (model, budget, strategy, seed) found here is passed on as is, not run again, and a model
   * whose rows are all here is not even measured. */
  resume?: StudyRow[];
  onRow?(r: StudyRow, done: number, total: number): void;
  onSensitivity?(model: string, r: SensitivityResult): void;
}

export interface StudyRow {
  model: string; strategy: Strategy; budget: number; seed: number;
  baseAccuracy: number; accuracyBefore: number; accuracyAfter: number; lossAfter: number;
  /** SGD steps of this row's final fine-tune (progressive auto: minus its steps between stages). */
  finetuneSteps: number;
  /** Channels kept per prunable group (execution order): the plan this row fine-tuned. */
  kept: { layer: string; channels: number; kept: number }[];
  flops: number; params: number; peakActivation: number;
  seconds: number;
}

export interface StudySummary {
  model: string; budget: number; strategy: Strategy; n: number;
  meanAfter: number; stdAfter: number; meanBefore: number; flops: number; params: number; peakActivation: number;
  /** Accuracy after fine-tuning per seed (seed -> accuracy), for tests that pair strategies by seed. */
  afterBySeed: Record<number, number>;
}

/** Steps of the study's fine-tune: its epochs over the training split, capped by maxSteps. */
const finetuneSteps = (o: StudyOptions): number =>
  Math.min((o.finetune.epochs ?? 1) * Math.ceil(o.train.n / (o.finetune.batchSize ?? 32)), o.finetune.maxSteps ?? Infinity);

/** Channels each prunable group of `base` (its `groups`) keeps in `pruned` (matched by the group's
 * first producer, whose name pruning keeps), in execution order. */
export function keptChannels(base: Graph, groups: ChannelGroup[], pruned: Graph): { layer: string; channels: number; kept: number }[] {
  const after = new Map(analyzeGroups(pruned).map((x) => [x.producers[0]!, x.size]));
  return orderedGroups(base, groups).map((x) => ({ layer: x.producers[0]!, channels: x.size, kept: after.get(x.producers[0]!) ?? x.size }));
}

export async function runStudy(o: StudyOptions): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  const total = o.models.length * o.flops.length * o.strategies.length * o.seeds.length;
  const per = o.train.shape[0] * o.train.shape[1] * o.train.shape[2];
  const calibN = Math.min(o.train.n, o.calibSamples ?? 128);
  const calib = { dtype: 'float32' as const, shape: [calibN, ...o.train.shape], data: o.train.images.slice(0, calibN * per) };
  const kernels = trainEngine().kernels;
  const fast = (g: Graph) => async (x: Tensor) => run(g, { [g.inputs[0]!.name]: x }, { kernels })[g.outputs[0]!.name]!.data as Float32Array;
  const acc = async (g: Graph, ds: Dataset) => (o.evaluate ? o.evaluate(g, ds) : evaluate(g, ds, { forward: fast(g), ...(o.signal ? { signal: o.signal } : {}) }));
  for (const name of o.models) {
    const base = cloneGraph(await o.base(name));
    const groups = analyzeGroups(base);
    const criterion = o.criterion ?? 'l1';
    const scores = groupScores(base, groups, criterion, { data: o.train });
    let baseAccuracy: number | undefined;
    const baseAcc = async () => (baseAccuracy ??= (await acc(base, o.test)).accuracy);
    // resume rows of this model by strategy, budget and seed (the first row of each wins)
    const resumed = new Map<string, StudyRow>(), key = (strategy: string, budget: number, seed: number) => `${strategy}|${budget}|${seed}`;
    for (const r of o.resume ?? []) if (r.model === name && !resumed.has(key(r.strategy, r.budget, r.seed))) resumed.set(key(r.strategy, r.budget, r.seed), r);
    const previous = (strategy: Strategy, budget: number, seed: number) => resumed.get(key(strategy, budget, seed));
    const toRun = o.strategies.filter((st) => o.flops.some((b) => o.seeds.some((seed) => !previous(st, b, seed))));
    const needCurves = toRun.some((s) => s === 'auto' || s === 'proportional');
    // a short fine-tune at the study's batch and peak rate (sensitivity recovery, progressive stages)
    const shortFinetune = async (g: Graph, steps: number, seed: number) => {
      await train(g, o.train, { ...o.finetune, epochs: 1, maxSteps: steps, schedule: 'constant', seed, ...(o.signal ? { signal: o.signal } : {}) });
    };
    const measureOn = (g: Graph, gs: typeof groups, sc: typeof scores, recoverSteps = 0) => sensitivity(g, gs, {
      keeps: o.keeps ?? [0.25, 0.5, 0.75], criterion, scores: sc, signal: o.signal,
      evaluate: async (x) => { const e = await acc(x, o.val); return { accuracy: e.accuracy, loss: e.loss }; },
      recalibrate: (x) => recalibrateBn(x, calib),
      ...(recoverSteps > 0 ? { recover: (x: Graph) => shortFinetune(x, recoverSteps, 1), recovery: `${recoverSteps} fine-tune steps` } : {}),
    });
    const measure = (recoverSteps: number) => measureOn(base, groups, scores, recoverSteps);
    const recoverSteps = o.autoRecoverSteps ?? 0, prog = o.autoProgressive;
    if (prog && recoverSteps > 0) throw new BwvmError('STUDY_AUTO_MODE', 'autoProgressive and autoRecoverSteps are two ways of running auto: give one', { hint: 'unset BWVM_STUDY_AUTO_RECOVER or BWVM_STUDY_AUTO_PROGRESSIVE' });
    const plainNeeded = toRun.includes('proportional') || (toRun.includes('auto') && recoverSteps === 0 && !prog);
    const curves = needCurves && plainNeeded ? await measure(0) : undefined;
    if (curves) o.onSensitivity?.(name, curves);
    const autoCurves = toRun.includes('auto') && recoverSteps > 0 ? await measure(recoverSteps) : prog ? undefined : curves;
    if (autoCurves && autoCurves !== curves) o.onSensitivity?.(name, autoCurves);
    const original = modelCosts(base);
    for (const budget of o.flops) {
      const limits = resolveBudgets({ flops: budget }, original, base);
      for (const strategy of o.strategies) {
        const emit = (row: StudyRow) => { rows.push(row); o.onRow?.(row, rows.length, total); };
        const done = o.seeds.map((seed) => previous(strategy, budget, seed));
        if (done.every((r) => r !== undefined)) { done.forEach((r) => emit(r!)); continue; }
        const progressive = strategy === 'auto' && prog;
        let pruned: Graph, steps = Infinity;
        if (progressive) {
          const res = await progressiveCompress(base, {
            limits, stages: prog.stages, simd: o.simd ?? 1, minKeep: o.minKeep ?? 0.1, ...(o.signal ? { signal: o.signal } : {}),
            scores: (g, gs) => groupScores(g, gs, criterion, { data: o.train }),
            measure: (g, gs, sc) => measureOn(g, gs, sc),
            finetune: (g, stage) => shortFinetune(g, prog.steps, 100 + stage),
            recalibrate: (g) => recalibrateBn(g, calib),
          });
          pruned = res.graph;
          steps = finetuneSteps(o) - (prog.stages - 1) * prog.steps;
          if (steps < 1) throw new BwvmError('STUDY_AUTO_MODE', `progressive auto's ${prog.stages - 1} x ${prog.steps} steps between stages use up the whole fine-tune (${finetuneSteps(o)} steps)`, { hint: 'fewer stages or steps between them' });
        } else {
          const use = strategy === 'auto' ? autoCurves : curves;
          const plan = allocate(base, groups, { strategy, limits, scores, simd: o.simd ?? 1, minKeep: o.minKeep ?? 0.1, ...(use ? { curves: use } : {}) });
          pruned = applyPruning(base, groups, plan.keep);
        }
        const kept = keptChannels(base, groups, pruned);
        for (const [i, seed] of o.seeds.entries()) {
          if (done[i]) { emit(done[i]!); continue; }
          o.signal?.throwIfAborted();
          const base0 = await baseAcc();
          const t0 = performance.now();
          const g = cloneGraph(pruned);
          recalibrateBn(g, calib);
          const before = await acc(g, o.test);
          const ft = await train(g, o.train, { ...o.finetune, seed, ...(Number.isFinite(steps) ? { maxSteps: Math.min(steps, o.finetune.maxSteps ?? Infinity) } : {}), ...(o.signal ? { signal: o.signal } : {}) });
          const after = await acc(g, o.test);
          const c = modelCosts(g);
          const row: StudyRow = {
            model: name, strategy, budget, seed, baseAccuracy: base0,
            accuracyBefore: before.accuracy, accuracyAfter: after.accuracy, lossAfter: after.loss, finetuneSteps: ft.steps, kept,
            flops: c.flops / original.flops, params: c.params / original.params, peakActivation: c.peakActivationBytes / original.peakActivationBytes,
            seconds: (performance.now() - t0) / 1000,
          };
          emit(row);
        }
      }
    }
  }
  return rows;
}

export function summarizeStudy(rows: StudyRow[]): StudySummary[] {
  const keys = new Map<string, StudyRow[]>();
  for (const r of rows) { const k = `${r.model}|${r.budget}|${r.strategy}`; keys.set(k, [...(keys.get(k) ?? []), r]); }
  return [...keys.values()].map((rs) => {
    const r0 = rs[0]!;
    return {
      model: r0.model, budget: r0.budget, strategy: r0.strategy, n: rs.length,
      meanAfter: mean(rs.map((r) => r.accuracyAfter)), stdAfter: std(rs.map((r) => r.accuracyAfter)), meanBefore: mean(rs.map((r) => r.accuracyBefore)),
      flops: mean(rs.map((r) => r.flops)), params: mean(rs.map((r) => r.params)), peakActivation: mean(rs.map((r) => r.peakActivation)),
      afterBySeed: Object.fromEntries(rs.map((r) => [r.seed, r.accuracyAfter])),
    };
  });
}

export interface StudyVerdict {
  model: string;
  /** The criterion: auto's mean accuracy after fine-tuning is above every baseline's. */
  autoWins: boolean;
  auto: number; bestBaseline: number; baseline: string;
  /** auto - best baseline, and Welch's two-sided p-value of that difference over the seeds (NaN
   * with one seed): a margin with p >= 0.05 is within the seed-to-seed spread. */
  margin: number; p: number;
  /** The paired t-test's p-value of the same comparison over the seeds both ran: a seed fixes the
   * fine-tune's data order for every strategy, so pairing by seed removes that shared part of the
   * spread (NaN below two common seeds). */
  pairedP: number;
}

/** Per model at one budget: did auto's mean accuracy after fine-tuning beat every other strategy's,
 * and by how much relative to the spread over seeds? */
export function studyVerdict(summary: StudySummary[], budget: number): StudyVerdict[] {
  const models = [...new Set(summary.map((s) => s.model))];
  return models.flatMap((model) => {
    const at = summary.filter((s) => s.model === model && Math.abs(s.budget - budget) < 1e-9);
    const auto = at.find((s) => s.strategy === 'auto');
    const others = at.filter((s) => s.strategy !== 'auto').sort((a, b) => b.meanAfter - a.meanAfter);
    if (!auto || !others.length) return [];
    const best = others[0]!;
    const t = welch({ mean: auto.meanAfter, std: auto.stdAfter, n: auto.n }, { mean: best.meanAfter, std: best.stdAfter, n: best.n });
    const common = Object.keys(auto.afterBySeed).filter((k) => k in best.afterBySeed).map(Number);
    const paired = pairedT(common.map((k) => auto.afterBySeed[k]!), common.map((k) => best.afterBySeed[k]!));
    return [{ model, autoWins: auto.meanAfter > best.meanAfter, auto: auto.meanAfter, bestBaseline: best.meanAfter, baseline: best.strategy, margin: t.diff, p: t.p, pairedP: paired.p }];
  });
}
