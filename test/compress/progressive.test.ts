// Progressive auto compression: stage limits step geometrically to the final budget, each stage
// re-measures sensitivity on the current pruned model and fine-tunes before the next, and the
// final model meets every hard budget and runs. Also: taylor scores from measured gradients.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../src/bwdnn/data/index.js';
import { evaluate } from '../../src/bwdnn/train/evaluate.js';
import { train } from '../../src/bwdnn/train/index.js';
import { analyzeGroups } from '../../src/compress/groups.js';
import { importance } from '../../src/compress/criteria.js';
import { groupScores } from '../../src/compress/scores.js';
import { taylorGradients } from '../../src/compress/taylor.js';
import { resolveBudgets } from '../../src/compress/budgets.js';
import { modelCosts } from '../../src/compress/costs.js';
import { sensitivity } from '../../src/compress/sensitivity.js';
import { recalibrateBn } from '../../src/compress/recalibrate.js';
import { progressiveCompress, stageLimits } from '../../src/compress/progressive.js';
import { run } from '../../src/bwdnn/reference/run.js';
import type { Graph } from '../../src/ir/types.js';

const trainSet = slice(fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' }), 0, 256);
const val = slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, 64);
const calib = { dtype: 'float32' as const, shape: [64, ...trainSet.shape], data: trainSet.images.slice(0, 64 * 784) };
const evalFn = async (g: Graph) => { const e = await evaluate(g, val); return { accuracy: e.accuracy, loss: e.loss }; };

describe('progressive auto compression', () => {
  it('stage limits go geometrically from the original to the final value', () => {
    const g = zooModel('lenet5', { seed: 3 });
    const c = modelCosts(g);
    const limits = resolveBudgets({ flops: 0.25 }, c, g);
    const f = [1, 2, 3].map((s) => stageLimits(limits, g, c, s, 3).flops! / c.flops);
    expect(f[0]).toBeCloseTo(Math.pow(0.25, 1 / 3), 6);
    expect(f[1]).toBeCloseTo(Math.pow(0.25, 2 / 3), 6);
    expect(f[2]).toBeCloseTo(0.25, 12);
  });

  it('re-measures and fine-tunes between stages and meets the final budget', async () => {
    const g = zooModel('lenet5', { seed: 3 });
    await train(g, trainSet, { epochs: 1, batchSize: 32, seed: 1, lr: 0.05 });
    const limits = resolveBudgets({ flops: 0.4 }, modelCosts(g), g);
    const measured: number[] = [], tuned: number[] = [];
    const res = await progressiveCompress(g, {
      limits, stages: 2, simd: 4,
      scores: (x, groups) => new Map(groups.filter((q) => !q.locked).map((q) => [q.id, importance(x, q, 'l1')])),
      measure: async (x, groups, scores) => { measured.push(modelCosts(x).flops); return sensitivity(x, groups, { keeps: [0.25, 0.5, 0.75], criterion: 'l1', scores, evaluate: evalFn }); },
      finetune: async (x, stage) => { tuned.push(stage); await train(x, trainSet, { epochs: 1, batchSize: 32, seed: 2, lr: 0.02, maxSteps: 4 }); },
      recalibrate: (x) => recalibrateBn(x, calib),
    });
    expect(res.stages.map((s) => s.stage)).toEqual([1, 2]);
    expect(tuned).toEqual([1]);
    // stage 2 measured the model pruned by stage 1
    expect(measured[1]).toBeLessThan(measured[0]!);
    expect(measured[1]).toBe(modelCosts(res.stages[0]!.graph).flops);
    expect(res.budgets.every((b) => b.ok)).toBe(true);
    expect(res.costs.flops).toBeLessThanOrEqual(limits.flops!);
    const y = run(res.graph, { [res.graph.inputs[0]!.name]: { dtype: 'float32', shape: [2, 1, 28, 28], data: val.images.slice(0, 2 * 784) } });
    expect(Object.values(y)[0]!.shape).toEqual([2, 10]);
  }, 120_000);

  it('lastStage makes the last stage\'s plan from its planner (here: twice, the second under a tighter limit)', async () => {
    const g = zooModel('lenet5', { seed: 3 });
    const limits = resolveBudgets({ flops: 0.5 }, modelCosts(g), g);
    const seen: number[] = [];
    const res = await progressiveCompress(g, {
      limits, stages: 2, simd: 4,
      scores: (x, groups) => new Map(groups.filter((q) => !q.locked).map((q) => [q.id, importance(x, q, 'l1')])),
      measure: (x, groups, scores) => sensitivity(x, groups, { keeps: [0.5, 0.75], criterion: 'l1', scores, evaluate: evalFn }),
      finetune: async () => undefined,
      lastStage: async (planAt, lim) => {
        seen.push(lim.flops!);
        planAt(lim);
        return planAt({ ...lim, flops: 0.8 * lim.flops! });
      },
    });
    expect(seen).toEqual([limits.flops]); // called once, for the last stage, with the final limits
    expect(res.costs.flops).toBeLessThanOrEqual(0.8 * limits.flops!);
    expect(res.stages[1]!.plan.costs.flops).toBe(res.costs.flops);
    expect(res.graph.name).toBe(g.name);
  }, 120_000);

  it('taylor scores come from real gradients: zero gradient -> zero score, and differ from l1', () => {
    const g = zooModel('lenet5', { seed: 4 });
    const grads = taylorGradients(g, trainSet, { samples: 64 });
    const groups = analyzeGroups(g);
    const open = groups.filter((q) => !q.locked);
    const t = groupScores(g, groups, 'taylor', { data: trainSet, taylor: { samples: 64 } });
    const l1 = groupScores(g, groups, 'l1');
    for (const q of open) {
      expect(t.get(q.id)!.length).toBe(q.size);
      expect(t.get(q.id)!.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    expect([...grads.values()].some((v) => v.some((x) => x !== 0))).toBe(true);
    const first = open[0]!.id;
    const rank = (s: Float64Array) => [...s.keys()].sort((a, b) => s[b]! - s[a]!).join();
    expect(rank(t.get(first)!)).not.toBe(rank(l1.get(first)!));
    expect(() => groupScores(g, groups, 'taylor')).toThrow(/needs labelled data/);
  });
});
