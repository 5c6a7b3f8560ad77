// Training lenet5 on the bundled Fashion-MNIST subset: loss falls and test accuracy reaches a
// stated level after one short seeded epoch; same seed -> same weights; an abort stops cleanly.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';
import { train } from '../../../src/bwdnn/train/trainer.js';
import { evaluate } from '../../../src/bwdnn/train/evaluate.js';
import { softmaxCrossEntropy } from '../../../src/bwdnn/train/loss.js';

const trainSet = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
const testSet = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' });

describe('train', () => {
  it('lenet5: one epoch on the bundled subset reaches >= 0.65 test accuracy', async () => {
    const g = zooModel('lenet5', { seed: 1 });
    const before = await evaluate(g, testSet);
    const h = await train(g, trainSet, { epochs: 1, batchSize: 32, lr: 0.03, seed: 1 });
    const after = await evaluate(g, testSet);
    expect(h.steps).toBe(Math.ceil(trainSet.n / 32));
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.65);
    expect(after.confusion.flat().reduce((a, b) => a + b, 0)).toBe(testSet.n);
  }, 180_000);

  it('is deterministic under a seed', async () => {
    const run = async (seed: number) => {
      const g = zooModel('lenet5', { seed: 2 });
      await train(g, slice(trainSet, 0, 64), { epochs: 1, batchSize: 16, seed, maxSteps: 3 });
      return g.initializers.get('conv1.weight')!.data;
    };
    const a = await run(5), b = await run(5), c = await run(6);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  }, 120_000);

  it('the reference engine (the oracle) and the default fast engine train to the same weights', async () => {
    const run = async (engine: 'fast' | 'reference') => {
      const g = zooModel('lenet5', { seed: 2 });
      await train(g, slice(trainSet, 0, 32), { epochs: 1, batchSize: 16, seed: 3, maxSteps: 2, engine, threads: 1 });
      return g.initializers.get('conv1.weight')!.data as Float32Array;
    };
    const ref = await run('reference'), fast = await run('fast');
    const err = ref.reduce((m, v, i) => Math.max(m, Math.abs(v - fast[i]!)), 0);
    expect(err).toBeLessThan(1e-5);
    expect(fast).not.toEqual(zooModel('lenet5', { seed: 2 }).initializers.get('conv1.weight')!.data);
  }, 60_000);

  it('stops at an abort and keeps the weights of the last finished step', async () => {
    const g = zooModel('lenet5', { seed: 3 });
    const ctl = new AbortController();
    const h = await train(g, trainSet, { epochs: 2, batchSize: 32, onStep: (p) => { if (p.step === 3) ctl.abort(); }, signal: ctl.signal });
    expect(h.interrupted).toBe(true);
    expect(h.steps).toBe(3);
    const e = await evaluate(g, slice(testSet, 0, 50));
    expect(Number.isFinite(e.loss)).toBe(true);
  });

  it('adam with cosine schedule and BN (resnet20 at width 0.25) lowers the training loss', async () => {
    const g = zooModel('resnet20', { seed: 4, width: 0.25 });
    const batch = slice(trainSet, 0, 32);
    const losses: number[] = [];
    await train(g, batch, { epochs: 6, batchSize: 32, optimizer: 'adam', lr: 3e-3, schedule: 'cosine', onStep: (p) => losses.push(p.loss) });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.8);
  }, 120_000);
});

describe('softmaxCrossEntropy', () => {
  it('matches a hand computation', () => {
    const r = softmaxCrossEntropy(Float32Array.from([0, Math.log(3)]), [1], 1);
    expect(r.loss).toBeCloseTo(-Math.log(0.75), 6);
    expect(r.grad[0]).toBeCloseTo(0.25, 6);
    expect(r.grad[1]).toBeCloseTo(-0.25, 6);
    expect(r.correct).toBe(1);
  });
});
