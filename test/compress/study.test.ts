// The compression study runner: every (model, budget, strategy, seed) row is a real prune +
// recalibrate + same fine-tune + evaluate; budgets are met; the base model is never modified;
// the summary has mean/spread over seeds and the verdict compares auto with the best baseline.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../src/bwdnn/data/index.js';
import { train } from '../../src/bwdnn/train/index.js';
import { runStudy, studyVerdict, summarizeStudy } from '../../src/compress/study.js';
import { pairedT } from '../../src/util/stats.js';
import { sensitivity, type SensitivityResult } from '../../src/compress/sensitivity.js';
import { analyzeGroups } from '../../src/compress/groups.js';
import { groupScores } from '../../src/compress/scores.js';
import { applyPruning } from '../../src/compress/prune.js';
import { orderedGroups } from '../../src/compress/allocate.js';
import { modelCosts } from '../../src/compress/costs.js';

const all = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
const trainSet = slice(all, 0, 1000);
const test = slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, 96);
const val = slice(all, 1500, 64);

describe('compression study', () => {
  it('runs every strategy x seed with the same fine-tune and summarizes', async () => {
    const base = zooModel('lenet5', { seed: 5 });
    await train(base, trainSet, { epochs: 1, batchSize: 32, seed: 1, lr: 0.03 });
    const w0 = Float32Array.from(base.initializers.values().next().value!.data as Float32Array);
    const seen: string[] = [];
    const rows = await runStudy({
      models: ['lenet5'], base: () => base, strategies: ['uniform', 'deep', 'auto'], flops: [0.5], seeds: [1, 2],
      train: trainSet, val, test, finetune: { epochs: 1, batchSize: 32, lr: 0.01, maxSteps: 3 }, simd: 4,
      onRow: (r, done, total) => seen.push(`${r.strategy}/${r.seed} ${done}/${total}`),
    });
    expect(rows).toHaveLength(6);
    expect(seen.at(-1)).toBe('auto/2 6/6');
    for (const r of rows) {
      expect(r.flops).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(r.params).toBeLessThan(1);
      expect(r.baseAccuracy).toBeGreaterThan(0.4);
      expect(r.accuracyAfter).toBeGreaterThanOrEqual(0);
      expect(r.accuracyAfter).toBeLessThanOrEqual(1);
    }
    // each row records its plan: re-pruning the base to those channel counts gives the row's FLOPs
    const groups = orderedGroups(base, analyzeGroups(base));
    for (const r of rows) {
      expect(r.kept.map((k) => k.layer)).toEqual(groups.map((x) => x.producers[0]));
      expect(r.kept.some((k) => k.kept < k.channels)).toBe(true);
      const plan = new Map(groups.map((x, i) => [x.id, [...Array(r.kept[i]!.kept).keys()]]));
      expect(modelCosts(applyPruning(base, analyzeGroups(base), plan)).flops / modelCosts(base).flops).toBeCloseTo(r.flops, 12);
    }
    // fine-tuning pruned copies never touches the base model
    expect(Float32Array.from(base.initializers.values().next().value!.data as Float32Array)).toEqual(w0);
    // different seeds give different fine-tunes
    const u = rows.filter((r) => r.strategy === 'uniform');
    expect(u[0]!.accuracyBefore).toBe(u[1]!.accuracyBefore);
    const s = summarizeStudy(rows);
    expect(s).toHaveLength(3);
    expect(s.every((x) => x.n === 2 && x.stdAfter >= 0)).toBe(true);
    const v = studyVerdict(s, 0.5);
    expect(v).toHaveLength(1);
    expect(v[0]!.autoWins).toBe(v[0]!.auto > v[0]!.bestBaseline);
    expect(v[0]!.margin).toBeCloseTo(v[0]!.auto - v[0]!.bestBaseline, 12);
    expect(v[0]!.p).toBeGreaterThanOrEqual(0);
    expect(v[0]!.p).toBeLessThanOrEqual(1);
    // the paired p uses the same seeds' accuracies of auto and the best baseline
    const seedAcc = (st: string) => [1, 2].map((seed) => rows.find((r) => r.strategy === st && r.seed === seed)!.accuracyAfter);
    expect(v[0]!.pairedP).toBe(pairedT(seedAcc('auto'), seedAcc(v[0]!.baseline)).p);
    expect(['uniform', 'deep']).toContain(v[0]!.baseline);
  }, 180_000);

  it('resumes an interrupted study from its rows: done rows are passed on, the rest run as in one go', async () => {
    const base = zooModel('lenet5', { seed: 8 });
    await train(base, trainSet, { epochs: 1, batchSize: 32, seed: 1, lr: 0.03 });
    const common = { models: ['lenet5'], base: () => base, strategies: ['uniform', 'auto'] as ('uniform' | 'auto')[], flops: [0.5], seeds: [1, 2],
      train: trainSet, val, test, finetune: { epochs: 1, batchSize: 32, lr: 0.01, maxSteps: 2 }, simd: 4, keeps: [0.5] };
    const whole = await runStudy(common);
    const ctl = new AbortController();
    const partial: typeof whole = [];
    await expect(runStudy({ ...common, signal: ctl.signal, onRow: (r) => { partial.push(r); if (partial.length === 3) ctl.abort(); } })).rejects.toThrow();
    expect(partial).toHaveLength(3);
    let measured = 0;
    const order: string[] = [];
    const resumed = await runStudy({ ...common, resume: partial, onSensitivity: () => { measured++; }, onRow: (r, done, total) => order.push(`${r.strategy}/${r.seed} ${done}/${total}`) });
    expect(order).toEqual(['uniform/1 1/4', 'uniform/2 2/4', 'auto/1 3/4', 'auto/2 4/4']);
    expect(resumed.slice(0, 3)).toEqual(partial);
    const strip = (r: (typeof whole)[number]) => ({ ...r, seconds: 0 });
    expect(resumed.map(strip)).toEqual(whole.map(strip));
    expect(measured).toBe(1); // auto/2 still needed the curves
    // all rows done: nothing is measured or run
    measured = 0;
    const again = await runStudy({ ...common, resume: resumed, onSensitivity: () => { measured++; } });
    expect(again).toEqual(resumed);
    expect(measured).toBe(0);
  }, 180_000);

  it('measures auto\'s curves after a short fine-tune per point (autoRecoverSteps); proportional keeps the plain ones', async () => {
    const base = zooModel('lenet5', { seed: 6 });
    await train(base, trainSet, { epochs: 1, batchSize: 32, seed: 1, lr: 0.03 });
    const w0 = Float32Array.from(base.initializers.values().next().value!.data as Float32Array);
    const curves: SensitivityResult[] = [];
    const common = { models: ['lenet5'], base: () => base, flops: [0.5], seeds: [1], train: trainSet, val, test,
      finetune: { epochs: 1, batchSize: 32, lr: 0.01, maxSteps: 2 }, simd: 4, keeps: [0.5], onSensitivity: (_: string, r: SensitivityResult) => { curves.push(r); } };
    const rows = await runStudy({ ...common, strategies: ['proportional', 'auto'], autoRecoverSteps: 3 });
    expect(rows.map((r) => r.strategy)).toEqual(['proportional', 'auto']);
    expect(curves.map((c) => c.recovery)).toEqual([undefined, '3 fine-tune steps']);
    // the recovered base is the fine-tuned unpruned model: a different validation loss
    expect(curves[1]!.base.loss).not.toBe(curves[0]!.base.loss);
    expect(curves[1]!.curves.length).toBe(curves[0]!.curves.length);
    expect(Float32Array.from(base.initializers.values().next().value!.data as Float32Array)).toEqual(w0);
    // auto alone with recovery measures only the recovered curves
    curves.length = 0;
    await runStudy({ ...common, strategies: ['auto'], autoRecoverSteps: 3 });
    expect(curves.map((c) => c.recovery)).toEqual(['3 fine-tune steps']);
  }, 180_000);

  it('sensitivity runs recover on every pruned point and on a copy of the base; a resume needs the same recovery', async () => {
    const g = zooModel('lenet5', { seed: 2 });
    const groups = analyzeGroups(g), scores = groupScores(g, groups, 'l1');
    const seen: string[] = [];
    const o = {
      keeps: [0.5], criterion: 'l1', scores,
      evaluate: async (m: typeof g) => ({ accuracy: 0, loss: m.initializers.size }),
      recover: (m: typeof g) => { seen.push(m === g ? 'base itself' : 'copy'); }, recovery: 'test',
    };
    const r = await sensitivity(g, groups, o);
    const open = groups.filter((x) => !x.locked).length;
    expect(seen).toHaveLength(open + 1);
    expect(seen).not.toContain('base itself');
    expect(r.recovery).toBe('test');
    const again = await sensitivity(g, groups, { ...o, resume: r });
    expect(again).toBe(r);
    seen.length = 0;
    const fresh = await sensitivity(g, groups, { ...o, recovery: 'other', resume: r });
    expect(fresh).not.toBe(r);
    expect(seen).toHaveLength(open + 1);
  });

  it('progressive auto (autoProgressive): staged, within budget, its steps between stages taken out of the final fine-tune', async () => {
    const base = zooModel('lenet5', { seed: 7 });
    await train(base, trainSet, { epochs: 1, batchSize: 32, seed: 1, lr: 0.03 });
    const common = { models: ['lenet5'], base: () => base, flops: [0.5], seeds: [1], train: trainSet, val, test, simd: 4, keeps: [0.5],
      finetune: { epochs: 1, batchSize: 32, lr: 0.01, maxSteps: 6 } };
    const rows = await runStudy({ ...common, strategies: ['uniform', 'auto'], autoProgressive: { stages: 2, steps: 2 } });
    expect(rows.map((r) => [r.strategy, r.finetuneSteps])).toEqual([['uniform', 6], ['auto', 4]]);
    expect(rows[1]!.flops).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(rows[1]!.params).toBeLessThan(1);
    await expect(runStudy({ ...common, strategies: ['auto'], autoProgressive: { stages: 4, steps: 2 } })).rejects.toThrow(/use up the whole fine-tune/);
    await expect(runStudy({ ...common, strategies: ['auto'], autoProgressive: { stages: 2, steps: 2 }, autoRecoverSteps: 3 })).rejects.toThrow(/give one/);
  }, 180_000);
});
