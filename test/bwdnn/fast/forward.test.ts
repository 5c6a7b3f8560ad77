// The compiled fast forward (src/bwdnn/fast/forward.ts) against the reference executor (the
// oracle) on every zoo model (BN folding, residual Add+ReLU in the conv epilogue or as a pass,
// depthwise + ReLU6, dense layers),
// with non-trivial BN statistics, two batch sizes per compiled forward (plan per shape), plain
// and relaxed builds, 1 and 2 threads; plus fusion groups, buffer reuse and unsupported ops.
import { describe, it, expect } from 'vitest';
import type { Graph } from '../../../src/ir/types.js';
import { zooModel, zooNames } from '../../../src/bwdnn/zoo/index.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { compileForward } from '../../../src/bwdnn/fast/forward.js';
import { fuseGroups } from '../../../src/bwdnn/fast/fuse.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { rand, relErr } from '../kernels/naive.js';
import { runtimeMatrix } from '../kernels/runtimes.js';

const variants = runtimeMatrix();

/** A zoo model with BN statistics and affine parameters away from the identity (so folding matters). */
function model(name: string, width = 1): Graph {
  const g = zooModel(name, { width });
  let seed = 7;
  for (const [k, t] of g.initializers) {
    if (!/^bn\d+\./.test(k)) continue;
    const r = rand(t.data.length, seed++);
    const d = t.data as Float32Array;
    for (let i = 0; i < d.length; i++) {
      d[i] = k.endsWith('running_var') ? 0.5 + Math.abs(r[i]!) : k.endsWith('weight') ? 1 + 0.5 * r[i]! : 0.2 * r[i]!;
    }
  }
  return g;
}

const input = (g: Graph, n: number, seed: number) => {
  const [, ...chw] = g.inputs[0]!.shape as number[];
  return { [g.inputs[0]!.name]: { dtype: 'float32' as const, shape: [n, ...chw], data: rand(n * chw.reduce((a, b) => a * b, 1), seed).map((v) => v + 0.5) } };
};

// resnet20 at width 0.25 has 4-channel convs (the direct algorithm): its residual Add runs as a pass
const models = [...zooNames().map((n) => [n, model(n)] as const), ['resnet20 w=0.25', model('resnet20', 0.25)] as const];
/** Reference outputs, computed once per model and batch (shared by the runtime variants). */
const refs = new Map<string, Float32Array>();
const reference = (name: string, g: Graph, feeds: ReturnType<typeof input>, key: string) => {
  if (!refs.has(`${name} ${key}`)) refs.set(`${name} ${key}`, run(g, feeds).logits!.data as Float32Array);
  return refs.get(`${name} ${key}`)!;
};

describe.each(variants)('compiled forward on $name', ({ rt }) => {
  it.each(models)('%s equals the reference executor (batches 3 and 2)', (name, g) => {
    const fwd = compileForward(g, rt);
    const used = rt.arena.usedBytes;
    try {
      for (const [n, seed] of [[3, 1], [2, 2], [3, 3]] as const) {
        const feeds = input(g, n, seed);
        const want = reference(name, g, feeds, `${n} ${seed}`);
        const got = fwd.run(feeds).logits!;
        expect(got.shape).toEqual([n, 10]);
        expect(relErr(got.data as Float32Array, want)).toBeLessThanOrEqual(1e-4);
      }
    } finally {
      fwd.dispose();
    }
    expect(rt.arena.usedBytes).toBeLessThan(used); // constants and blocks freed
  });
});

describe('fusion and memory', () => {
  it('folds BN into convs and fuses activations and residual adds', () => {
    const groups = (name: string) => fuseGroups(zooModel(name)).map((grp) => grp.nodes.map((n) => n.op).join('+'));
    expect(groups('vgg_small').filter((s) => s === 'Conv+BatchNormalization+Relu')).toHaveLength(6);
    const res = groups('resnet20');
    expect(res.filter((s) => s === 'Conv+BatchNormalization+Add+Relu')).toHaveLength(9); // residual in the conv epilogue
    expect(res.some((s) => s.startsWith('Add') || s.startsWith('Relu') || s.startsWith('BatchNormalization'))).toBe(false);
    expect(groups('mobilenet').filter((s) => s === 'Conv+BatchNormalization+Clip')).toHaveLength(11);
  });

  it('reuses activation buffers: the block is the live lower bound', () => {
    const rt = variants[0]!.rt, g = zooModel('vgg_small');
    const fwd = compileForward(g, rt);
    try {
      fwd.run(input(g, 4, 5));
      // vgg_small at N=4: at most two 32x28x28 maps (the second conv's input and output) are live
      // at once; every other value fits in their space (no buffer per value: ~4x that)
      expect(fwd.activationBytes).toBe(2 * 4 * 4 * 32 * 784);
    } finally { fwd.dispose(); }
  });

  it('rejects a graph with an op it does not cover, naming the node', () => {
    const g = createGraph({ name: 'sm', opset: 13, inputs: [{ name: 'x', dtype: 'float32', shape: [2, 5] }] });
    g.nodes.push({ name: 'soft', op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: { axis: 1 } });
    g.outputs = [{ name: 'y', dtype: 'float32', shape: [] }];
    inferShapes(g);
    expect(() => compileForward(g, variants[0]!.rt)).toThrow(/soft.*Softmax.*not covered/);
  });

  it('checks feeds', () => {
    const g = zooModel('lenet5'), fwd = compileForward(g, variants[0]!.rt);
    try {
      expect(() => fwd.run({ input: { dtype: 'float32', shape: [1, 1, 27, 28], data: new Float32Array(27 * 28) } })).toThrow(/shape/);
    } finally { fwd.dispose(); }
  });
});
