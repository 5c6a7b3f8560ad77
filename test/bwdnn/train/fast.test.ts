// The fast training engine against the reference engine (the oracle): Gemm/MatMul gradient rows
// on transpose/alpha/beta sweeps, whole-model parameter gradients of the zoo nets (conv with
// stride, 1x1 shortcuts, depthwise, BN, pools), the BN training forward / BN / Relu rows on
// tensors large enough to split over 2 threads, engine-independent BN running statistics,
// and bit-identical results under a seed and across 1 and 2 threads.
import { describe, expect, it } from 'vitest';
import type { Graph, Node } from '../../../src/ir/types.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { bnReluPairs, forwardTape } from '../../../src/bwdnn/train/tape.js';
import { backward, trainableParams } from '../../../src/bwdnn/train/backward.js';
import { softmaxCrossEntropy } from '../../../src/bwdnn/train/loss.js';
import { trainEngine } from '../../../src/bwdnn/train/engine.js';
import { createTrainStep } from '../../../src/bwdnn/train/step.js';
import { sgd } from '../../../src/bwdnn/train/optim.js';
import { evaluate } from '../../../src/bwdnn/train/evaluate.js';
import { GRADS } from '../../../src/bwdnn/train/grads/index.js';
import { bnForward } from '../../../src/bwdnn/train/grads/norm.js';
import { gradContext } from '../../../src/bwdnn/train/grad.js';
import { rand, relErr } from '../kernels/naive.js';

const fast1 = trainEngine({ engine: 'fast', threads: 1 }), fast2 = trainEngine({ engine: 'fast', threads: 2 });
const ref = trainEngine({ engine: 'reference' });

function gradsOf(g: Graph, n: number, engine = fast1): Map<string, Float32Array> {
  const [, ...chw] = g.inputs[0]!.shape as number[];
  const per = chw.reduce((a, b) => a * b, 1);
  const x = { dtype: 'float32' as const, shape: [n, ...chw], data: rand(n * per, 11) };
  const tape = forwardTape(g, { [g.inputs[0]!.name]: x }, true, undefined, engine);
  const out = g.outputs[0]!.name;
  const loss = softmaxCrossEntropy(tape.values.get(out)!.data as Float32Array, Array.from({ length: n }, (_, i) => i % 10), n);
  return backward(tape, { [out]: loss.grad }, trainableParams(g));
}

describe('fast Gemm / MatMul gradient rows vs reference', () => {
  const cases: [string, Node['attrs'], number[], number[], number[] | undefined, 'Gemm' | 'MatMul'][] = [];
  for (const tA of [0, 1]) for (const tB of [0, 1]) {
    const [M, K, N] = [7, 13, 9];
    cases.push([`Gemm tA${tA} tB${tB}`, { transA: tA, transB: tB, alpha: 0.7, beta: 1.3 }, tA ? [K, M] : [M, K], tB ? [N, K] : [K, N], [N], 'Gemm']);
  }
  cases.push(['Gemm dense 64x400 -> 120, bias [1,N]', { transB: 1 }, [64, 400], [120, 400], [1, 120], 'Gemm']);
  cases.push(['MatMul 5x33 * 33x17', {}, [5, 33], [33, 17], undefined, 'MatMul']);
  it.each(cases)('%s', (_, attrs, as, bs, cs, op) => {
    const node: Node = { name: 'n', op, inputs: ['a', 'b', ...(cs ? ['c'] : [])], outputs: ['y'], attrs };
    const t = (shape: number[], seed: number) => ({ dtype: 'float32' as const, shape, data: rand(shape.reduce((p, q) => p * q, 1), seed) });
    const x = [t(as, 1), t(bs, 2), ...(cs ? [t(cs, 3)] : [])];
    const M = attrs.transA ? as[1]! : as[0]!, N = attrs.transB ? bs[0]! : bs[1]!;
    const dy = rand(M * N, 4), need = x.map(() => true);
    const ctx = () => gradContext(node, 13, x, [t([M, N], 5)], dy, need);
    const want = GRADS.get(op)!.grad(ctx());
    for (const e of [fast1, fast2]) {
      const got = e.grads.get(op)!.grad(ctx());
      want.forEach((w, i) => expect(relErr(got[i]!, w!), `input ${i}`).toBeLessThan(1e-5));
    }
  });
});

describe('fast batch-norm and Relu rows vs reference (threaded sizes, odd planes)', () => {
  const t = (shape: number[], data: Float32Array) => ({ dtype: 'float32' as const, shape, data });
  for (const shape of [[8, 16, 48, 48], [64, 96, 7, 7]]) {
    const [N, C] = shape as [number, number];
    const n = shape.reduce((a, b) => a * b, 1);
    it(`BatchNormalization forward (training) and gradient, Relu gradient, [${shape}]`, () => {
      const x = t(shape, rand(n, 21).map((v, i) => 3 * v + (i % 5))); // a mean far from 0
      const gamma = t([C], rand(C, 22)), beta = t([C], rand(C, 23));
      const stats = () => [t([C], new Float32Array(C)), t([C], new Float32Array(C).fill(1))] as const;
      const [m0, v0] = stats(), [m1, v1] = stats();
      const yRef = new Float32Array(n), yFast = new Float32Array(n);
      const cRef = bnForward(x, gamma, beta, m0, v0, 1e-5, 0.9, true, yRef);
      const cFast = fast2.bnForward!(x, gamma, beta, m1, v1, 1e-5, 0.9, true, yFast);
      expect(relErr(yFast, yRef)).toBeLessThan(1e-5);
      expect(relErr(cFast.xhat, cRef.xhat)).toBeLessThan(1e-5);
      expect(relErr(cFast.invStd, cRef.invStd)).toBeLessThan(1e-6);
      expect(relErr(m1.data, m0.data)).toBeLessThan(1e-6);
      expect(relErr(v1.data, v0.data)).toBeLessThan(1e-6);
      const node: Node = { name: 'bn', op: 'BatchNormalization', inputs: ['x', 'g', 'b', 'm', 'v'], outputs: ['y'], attrs: { epsilon: 1e-5 } };
      const dy = rand(n, 24), need = [true, true, true, false, false];
      const inputs = [x, gamma, beta, m0, v0];
      const want = GRADS.get('BatchNormalization')!.grad(gradContext(node, 13, inputs, [t(shape, yRef)], dy, need, cRef));
      for (const e of [fast1, fast2]) {
        const got = e.grads.get('BatchNormalization')!.grad(gradContext(node, 13, inputs, [t(shape, yRef)], dy, need, cFast));
        want.slice(0, 3).forEach((w, i) => expect(relErr(got[i]!, w!), `input ${i}`).toBeLessThan(1e-4));
      }
      const relu: Node = { name: 'r', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} };
      const rWant = GRADS.get('Relu')!.grad(gradContext(relu, 13, [x], [t(shape, yRef)], dy, [true]))[0]!;
      const rGot = fast2.grads.get('Relu')!.grad(gradContext(relu, 13, [x], [t(shape, yRef)], dy, [true]))[0]!;
      expect(rGot).toEqual(rWant);
    });
  }
});

describe('fast MaxPool 2x2/2 gradient vs reference (first maximum, ties, odd sizes, 2 threads)', () => {
  const t = (shape: number[], data: Float32Array) => ({ dtype: 'float32' as const, shape, data });
  for (const shape of [[16, 32, 28, 28], [5, 7, 9, 11], [64, 32, 7, 7]]) {
    it(`[${shape}]`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      // values on a coarse grid: many windows hold ties (the first maximum must win)
      const x = t(shape, rand(n, 31).map((v) => Math.round(v * 2) / 2));
      const [, , H, W] = shape as [number, number, number, number];
      const OH = Math.floor(H / 2), OW = Math.floor(W / 2), m = (n / (H * W)) * OH * OW;
      const node: Node = { name: 'p', op: 'MaxPool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } };
      const dy = rand(m, 32), y = t([shape[0]!, shape[1]!, OH, OW], new Float32Array(m));
      const want = GRADS.get('MaxPool')!.grad(gradContext(node, 13, [x], [y], dy, [true]))[0]!;
      for (const e of [fast1, fast2]) expect(e.grads.get('MaxPool')!.grad(gradContext(node, 13, [x], [y], dy, [true]))[0]!).toEqual(want);
    });
  }
});

describe('fast engine vs reference engine: parameter gradients of whole models', () => {
  const models: [string, Graph, number][] = [
    ['lenet5', zooModel('lenet5', { seed: 1 }), 4],
    ['vgg_small w0.25', zooModel('vgg_small', { seed: 1, width: 0.25 }), 3],
    ['resnet20 w0.25 (stride 2, 1x1 shortcuts, BN)', zooModel('resnet20', { seed: 1, width: 0.25, input: [3, 16, 16] }), 2],
    ['mobilenet w0.25 (depthwise)', zooModel('mobilenet', { seed: 1, width: 0.25, input: [3, 16, 16] }), 2],
  ];
  it.each(models)('%s', (_, g, n) => {
    const bnNames = g.nodes.filter((nd) => nd.op === 'BatchNormalization').flatMap((nd) => [nd.inputs[3]!, nd.inputs[4]!]);
    const stats = () => bnNames.map((k) => (g.initializers.get(k)!.data as Float32Array).slice());
    const bn0 = stats();
    const want = gradsOf(g, n, ref);
    const bnRef = stats();
    bnNames.forEach((k, i) => (g.initializers.get(k)!.data as Float32Array).set(bn0[i]!));
    const got = gradsOf(g, n, fast2);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, w] of want) expect(relErr(got.get(k)!, w), k).toBeLessThan(2e-4);
    if (g.name !== 'lenet5') expect(bnNames.length).toBeGreaterThan(0);
    stats().forEach((v, i) => expect(relErr(v, bnRef[i]!), bnNames[i]).toBeLessThan(1e-5));
  });
});

describe('evaluate on the fast engine', () => {
  it('gives the reference executor\'s accuracy, loss and confusion', async () => {
    const g = zooModel('lenet5', { seed: 8 });
    const n = 40, images = rand(n * 784, 13), labels = Int32Array.from({ length: n }, (_, i) => i % 10);
    const ds = { n, shape: [1, 28, 28] as [number, number, number], images, labels };
    const a = await evaluate(g, ds, { batchSize: 16 }), b = await evaluate(g, ds, { batchSize: 16, engine: 'fast', threads: 1 });
    expect(b.confusion).toEqual(a.confusion);
    expect(b.loss).toBeCloseTo(a.loss, 4);
  });
});

describe('BatchNormalization + Relu fused in the fast training tape', () => {
  it('pairs a BN only with a Relu that alone reads it, never a graph output', () => {
    const vgg = zooModel('vgg_small', { seed: 1, width: 0.25 });
    const pairs = bnReluPairs(vgg, vgg.nodes);
    expect(pairs.size).toBe(vgg.nodes.filter((n) => n.op === 'BatchNormalization').length);
    for (const [bn, r] of pairs) expect(r.inputs[0]).toBe(bn.outputs[0]);
    // resnet20: the BN of each block's second conv feeds the residual Add, not a Relu
    const res = zooModel('resnet20', { seed: 1, width: 0.25, input: [3, 16, 16] });
    const resPairs = bnReluPairs(res, res.nodes), bns = res.nodes.filter((n) => n.op === 'BatchNormalization');
    expect(resPairs.size).toBeGreaterThan(0);
    expect(resPairs.size).toBeLessThan(bns.length);
    // a second reader, or the BN output being a graph output, keeps them apart
    const bn = [...pairs.keys()][0]!;
    const twice = { ...vgg, nodes: [...vgg.nodes, { name: 'extra', op: 'Relu', inputs: [bn.outputs[0]!], outputs: ['extra_out'], attrs: {} }] };
    expect(bnReluPairs(twice, twice.nodes).has(bn)).toBe(false);
    const exposed = { ...vgg, outputs: [...vgg.outputs, { name: bn.outputs[0]!, dtype: 'float32' as const, shape: [] }] };
    expect(bnReluPairs(exposed, exposed.nodes).has(bn)).toBe(false);
  });

  it('the fused tape gives the unfused Relu outputs; the reference engine does not fuse', () => {
    const g = zooModel('vgg_small', { seed: 2, width: 0.25 });
    const x = { input: { dtype: 'float32' as const, shape: [2, 1, 28, 28], data: rand(2 * 784, 4) } };
    const relus = g.nodes.filter((n) => n.op === 'Relu');
    const bnStats = g.nodes.filter((n) => n.op === 'BatchNormalization').flatMap((n) => [n.inputs[3]!, n.inputs[4]!]);
    const saved = bnStats.map((k) => (g.initializers.get(k)!.data as Float32Array).slice());
    const a = forwardTape(g, x, true, undefined, fast2);
    bnStats.forEach((k, i) => (g.initializers.get(k)!.data as Float32Array).set(saved[i]!));
    const b = forwardTape(g, x, true);
    for (const r of relus) expect(relErr(a.values.get(r.outputs[0]!)!.data as Float32Array, b.values.get(r.outputs[0]!)!.data as Float32Array), r.name).toBeLessThan(1e-5);
    const bn = g.nodes.find((n) => n.op === 'BatchNormalization')!;
    const relu = relus.find((r) => r.inputs[0] === bn.outputs[0])!;
    expect(a.values.get(bn.outputs[0]!)).toBe(a.values.get(relu.outputs[0]!));
    expect(b.values.get(bn.outputs[0]!)).not.toBe(b.values.get(relu.outputs[0]!));
    expect(Math.min(...(b.values.get(bn.outputs[0]!)!.data as Float32Array))).toBeLessThan(0);
  });
});

describe('fast engine determinism', () => {
  // recycled buffers are not cleared for kernels that write their whole output; poisoned with NaN
  // here, so any kernel that leaves part of its output unwritten turns the weights into NaN
  it.each([
    ['resnet20', { seed: 6, width: 0.25, input: [3, 16, 16] }],
    ['vgg_small', { seed: 6, width: 0.25, input: [3, 18, 18] }],
    ['mobilenet', { seed: 6, width: 0.25, input: [3, 16, 16] }],
  ] as const)('the pooled stepper (recycled buffers poisoned) equals a plain loop without a pool: %s', (name, opts) => {
    const make = () => zooModel(name, { ...opts, input: [...opts.input] });
    const [C, H, W] = opts.input;
    const x = { dtype: 'float32' as const, shape: [4, C, H, W], data: rand(4 * C * H * W, 12) };
    const labels = (i: number) => [0, 1, 2, 3].map((j) => (j + i) % 10);
    const a = make(), s = createTrainStep(a, { engine: fast2, optimizer: sgd({ momentum: 0.9 }), poison: true });
    for (let i = 0; i < 3; i++) s.step(x, labels(i), 0.05);
    s.dispose();
    const b = make(), names = trainableParams(b), opt = sgd({ momentum: 0.9 });
    const params = new Map(names.map((k) => [k, b.initializers.get(k)!]));
    for (let i = 0; i < 3; i++) {
      const tape = forwardTape(b, { input: x }, true, undefined, fast2);
      const loss = softmaxCrossEntropy(tape.values.get(b.outputs[0]!.name)!.data as Float32Array, labels(i), 4);
      opt.step(params, backward(tape, { [b.outputs[0]!.name]: loss.grad }, names), 0.05);
    }
    for (const k of names) expect(a.initializers.get(k)!.data, k).toEqual(b.initializers.get(k)!.data);
  });

  it('same seed and data -> bit-identical weights, on 1 and 2 threads', () => {
    const run = (engine: typeof fast1) => {
      const g = zooModel('vgg_small', { seed: 5, width: 0.25 });
      const s = createTrainStep(g, { engine });
      const x = { dtype: 'float32' as const, shape: [8, 1, 28, 28], data: rand(8 * 784, 9) };
      for (let i = 0; i < 3; i++) s.step(x, Array.from({ length: 8 }, (_, j) => (j + i) % 10), 0.05);
      return [...s.params.values()].map((p) => (p.data as Float32Array).slice());
    };
    const a = run(fast1), b = run(fast1), c = run(fast2);
    expect(a).toEqual(b);
    expect(c).toEqual(a);
  });
});
