// Resumable training: stopping after an epoch and continuing from the saved weights and optimizer
// state (SGD momentum, Adam moments and step count) gives exactly the weights of one uninterrupted
// run, with the schedule and the per-epoch shuffling continuing where they were; a saved state of
// another optimizer is refused with a clear error.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';
import { train, type TrainOptions } from '../../../src/bwdnn/train/trainer.js';
import { adam, sgd, type OptimizerState } from '../../../src/bwdnn/train/optim.js';
import { cloneGraph } from '../../../src/ir/graph.js';

const data = slice(fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' }), 0, 48);

async function straightVsResumed(o: TrainOptions): Promise<void> {
  const straight = zooModel('lenet5', { seed: 4 });
  const seen: number[] = [];
  await train(straight, data, { ...o, epochs: 3, onStep: (p) => seen.push(p.lr) });

  const g = zooModel('lenet5', { seed: 4 });
  let saved: OptimizerState | undefined, snapshot = cloneGraph(g);
  const stop = new AbortController(); // the run is cut after its second epoch, as a killed process would be
  const cut = await train(g, data, { ...o, epochs: 3, signal: stop.signal, onCheckpoint: (k, s) => { if (k === 2) { saved = s; snapshot = cloneGraph(g); stop.abort(); } } });
  expect(cut.interrupted).toBe(true);
  expect(saved).toBeDefined();
  const lrs: number[] = [];
  const h = await train(snapshot, data, { ...o, epochs: 3, resume: { epochs: 2, optimizer: saved! }, onStep: (p) => lrs.push(p.lr) });
  expect(h.steps).toBe(3);
  expect(lrs).toEqual(seen.slice(6));
  for (const [name, t] of straight.initializers) expect(snapshot.initializers.get(name)!.data, name).toEqual(t.data);
}

describe('resumable training', () => {
  it('SGD with momentum and a cosine schedule: resumed after 2 of 3 epochs = uninterrupted', async () => {
    await straightVsResumed({ batchSize: 16, seed: 7, lr: 0.05, schedule: 'cosine', momentum: 0.9, weightDecay: 5e-4, threads: 1 });
  }, 120_000);

  it('Adam: moments and the bias-correction step count are restored', async () => {
    await straightVsResumed({ batchSize: 16, seed: 3, optimizer: 'adam', lr: 1e-3, threads: 1 });
  }, 120_000);

  it('the state is a copy, and a state of another optimizer is refused', () => {
    const a = sgd({ momentum: 0.9 });
    const p = new Map([['w', { name: 'w', dtype: 'float32' as const, shape: [1, 2], data: new Float32Array([1, 2]) }]]);
    a.step(p, new Map([['w', new Float32Array([1, 1])]]), 0.1);
    const s = a.state();
    s.slots['w']![0]![0] = 99;
    expect(a.state().slots['w']![0]![0]).toBe(1);
    expect(() => adam().load(s)).toThrow(/saved optimizer state is 'sgd', this optimizer is 'adam'/);
  });

  it('a bad resume epoch count is refused', async () => {
    await expect(train(zooModel('lenet5'), data, { epochs: 1, resume: { epochs: 1.5 } })).rejects.toThrow(/resume epochs 1.5/);
  });
});
