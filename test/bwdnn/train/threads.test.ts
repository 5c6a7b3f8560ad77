// The fast engine's thread count: BWVM_THREADS sets the default (1 or 2, a clear error otherwise),
// and training gives bit-identical weights on 1 and 2 threads (work is split, reductions are not),
// so jobs may run with either.
import { describe, expect, it } from 'vitest';
import { defaultThreads, train, trainEngine } from '../../../src/bwdnn/train/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';

describe('fast engine threads', () => {
  it('BWVM_THREADS sets the default thread count', () => {
    expect(defaultThreads({})).toBe(2);
    expect(defaultThreads({ BWVM_THREADS: '' })).toBe(2);
    expect(defaultThreads({ BWVM_THREADS: '1' })).toBe(1);
    expect(defaultThreads({ BWVM_THREADS: '2' })).toBe(2);
    expect(() => defaultThreads({ BWVM_THREADS: '4' })).toThrow(/BWVM_THREADS must be 1 or 2, got '4'/);
  });

  it.each(['resnet20', 'vgg_small'])('%s: training on 1 and 2 threads gives the same weights', async (name) => {
    const ds = slice(fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' }), 0, 96);
    const weights = [];
    for (const threads of [1, 2]) {
      const g = zooModel(name, { width: 0.5, seed: 3 });
      await train(g, ds, { epochs: 1, batchSize: 32, lr: 0.05, momentum: 0.9, seed: 1, maxSteps: 3, engine: trainEngine({ threads }) });
      weights.push([...g.initializers.values()].map((t) => Array.from(t.data as Float32Array)));
    }
    expect(weights[0]).toEqual(weights[1]);
  }, 120_000);
});
