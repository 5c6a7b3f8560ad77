// evaluate() on the fast engine runs the compiled forward (src/bwdnn/fast): same accuracy,
// loss and confusion as the reference executor on a BN + residual net with a ragged last
// batch; a graph with an op the compiled forward lacks falls back to the engine's tape.
import { describe, it, expect } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { evaluate } from '../../../src/bwdnn/train/evaluate.js';
import { sharedRuntime } from '../../../src/bwdnn/train/engine.js';
import { rand } from '../kernels/naive.js';

const dataset = (n: number) => ({ n, shape: [1, 28, 28] as [number, number, number], images: rand(n * 784, 21), labels: Int32Array.from({ length: n }, (_, i) => (i * 7) % 10) });

describe('evaluate on the compiled fast forward', () => {
  it('resnet20 (BN folded, residual Add+ReLU): the reference executor\'s results, arena left as it was', async () => {
    const g = zooModel('resnet20', { width: 0.5, seed: 3 }), ds = dataset(13);
    const used = sharedRuntime(1).arena.usedBytes;
    const a = await evaluate(g, ds, { batchSize: 5 }), b = await evaluate(g, ds, { batchSize: 5, engine: 'fast', threads: 1 });
    expect(b.confusion).toEqual(a.confusion);
    expect(b.loss).toBeCloseTo(a.loss, 4);
    expect(sharedRuntime(1).arena.usedBytes).toBe(used);
  });

  it('falls back to the tape for an op it does not cover (Softmax logits)', async () => {
    const g = zooModel('lenet5', { seed: 4 });
    const out = g.outputs[0]!;
    const last = g.nodes[g.nodes.length - 1]!;
    last.outputs = ['pre'];
    g.nodes.push({ name: 'softmax', op: 'Softmax', inputs: ['pre'], outputs: [out.name], attrs: { axis: 1 } });
    const ds = dataset(6);
    const a = await evaluate(g, ds, { batchSize: 4 }), b = await evaluate(g, ds, { batchSize: 4, engine: 'fast', threads: 1 });
    expect(b.confusion).toEqual(a.confusion);
    expect(b.loss).toBeCloseTo(a.loss, 4);
  });
});
