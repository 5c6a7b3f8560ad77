// The WebAssembly kernels against the bwDNN reference executor (the project's oracle): single
// ONNX-op graphs (Conv, Gemm, pools, BatchNormalization, activations, Add/Mul) run by the
// reference, the same data through the fast kernels, on plain and relaxed builds, 1 and 2 threads.
import { describe, it, expect } from 'vitest';
import { run } from '../../../src/bwdnn/reference/run.js';
import type { Tensor } from '../../../src/ir/types.js';
import { singleNode, randTensor, floats } from '../reference/ort-support.js';
import { conv2d } from '../../../src/bwdnn/kernels/conv.js';
import { matmul } from '../../../src/bwdnn/kernels/gemm.js';
import { pool2d } from '../../../src/bwdnn/kernels/pool.js';
import { activation, binary, batchNorm } from '../../../src/bwdnn/kernels/eltwise.js';
import { relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();
const f32 = (t: Tensor) => t.data as Float32Array;

interface ConvCase { x: number[]; w: number[]; strides?: number[]; pads?: number[]; dilations?: number[]; group?: number }
const convCases: ConvCase[] = [
  { x: [2, 3, 12, 11], w: [8, 3, 3, 3], pads: [1, 1, 1, 1] },
  { x: [1, 1, 28, 28], w: [32, 1, 3, 3] },
  { x: [2, 16, 9, 9], w: [24, 16, 3, 3], strides: [2, 2], pads: [1, 0, 1, 2] },
  { x: [1, 12, 10, 10], w: [12, 4, 3, 3], group: 3, dilations: [2, 2], pads: [2, 2, 2, 2] },
  { x: [2, 8, 15, 13], w: [8, 1, 3, 3], group: 8, pads: [1, 1, 1, 1] },
  { x: [1, 6, 14, 14], w: [12, 1, 5, 5], group: 6, strides: [2, 2], pads: [2, 2, 2, 2] },
];

describe.each(variants)('fast kernels vs the reference executor on $name', ({ rt }) => {
  it.each(convCases.map((c) => [JSON.stringify(c), c] as const))('Conv %s', (_, c) => {
    const attrs: Record<string, number[] | number> = { kernel_shape: c.w.slice(2) };
    if (c.strides) attrs.strides = c.strides;
    if (c.pads) attrs.pads = c.pads;
    if (c.dilations) attrs.dilations = c.dilations;
    if (c.group) attrs.group = c.group;
    const W = randTensor(c.w, 3), B = randTensor([c.w[0]], 4);
    const { graph, feeds } = singleNode('Conv', attrs, [{ shape: c.x }, { shape: c.w, init: W }, { shape: [c.w[0]], init: B }]);
    const want = run(graph, feeds).out0;
    const [N, C, H, Wd] = c.x;
    const p = c.pads ?? [0, 0, 0, 0]; // ONNX: [top, left, bottom, right]
    const got = conv2d(rt, f32(feeds.in0), f32(W), f32(B), {
      N, C, H, W: Wd, Cout: c.w[0], kh: c.w[2], kw: c.w[3], groups: c.group,
      stride: c.strides as [number, number] | undefined, dilation: c.dilations as [number, number] | undefined,
      pads: [p[0], p[1], p[2], p[3]],
    });
    expect(got.shape).toEqual(want.shape);
    expect(relErr(got.data, f32(want))).toBeLessThanOrEqual(1e-4);
  });

  it('Gemm with transB and bias (a dense layer)', () => {
    const M = 9, K = 70, N = 33;
    const Wt = randTensor([N, K], 5), B = randTensor([N], 6);
    const { graph, feeds } = singleNode('Gemm', { transB: 1 }, [{ shape: [M, K] }, { shape: [N, K], init: Wt }, { shape: [N], init: B }]);
    const want = run(graph, feeds).out0;
    const got = matmul(rt, f32(feeds.in0), f32(Wt), M, N, K, { transB: true, bias: f32(B), biasPer: 'col' });
    expect(relErr(got, f32(want))).toBeLessThanOrEqual(1e-4);
  });

  interface PoolCase { op: 'MaxPool' | 'AveragePool'; k: number[]; s: number[]; pads?: number[]; includePad?: boolean; ceil?: boolean }
  const poolCases: PoolCase[] = [
    { op: 'MaxPool', k: [3, 3], s: [2, 2], pads: [1, 1, 1, 1] },
    { op: 'MaxPool', k: [2, 2], s: [2, 2], ceil: true },
    { op: 'AveragePool', k: [2, 2], s: [2, 2] },
    { op: 'AveragePool', k: [3, 3], s: [1, 1], pads: [1, 1, 1, 1], includePad: true },
    { op: 'AveragePool', k: [3, 3], s: [2, 2], pads: [1, 1, 1, 1], includePad: true, ceil: true },
  ];
  it.each(poolCases.map((c) => [JSON.stringify(c), c] as const))('%s', (_, c) => {
    const attrs: Record<string, number | number[]> = { kernel_shape: c.k, strides: c.s };
    if (c.pads) attrs.pads = c.pads;
    if (c.includePad) attrs.count_include_pad = 1;
    if (c.ceil) attrs.ceil_mode = 1;
    const { graph, feeds } = singleNode(c.op, attrs, [{ shape: [2, 5, 11, 9] }]);
    const want = run(graph, feeds).out0;
    const p = c.pads ?? [0, 0, 0, 0];
    const got = pool2d(rt, f32(feeds.in0), {
      N: 2, C: 5, H: 11, W: 9, kh: c.k[0], kw: c.k[1], mode: c.op === 'MaxPool' ? 'max' : 'avg',
      stride: [c.s[0], c.s[1]], pads: [p[0], p[1], p[2], p[3]], countIncludePad: c.includePad, ceilMode: c.ceil,
    });
    expect(got.shape).toEqual(want.shape);
    expect(relErr(got.data, f32(want))).toBeLessThanOrEqual(1e-4);
  });

  it('BatchNormalization', () => {
    const C = 6;
    const [g, b, m] = [randTensor([C], 8), randTensor([C], 9), randTensor([C], 10)];
    const v = floats(Array.from(f32(randTensor([C], 11)), (x) => x + 1.2));
    const { graph, feeds } = singleNode('BatchNormalization', { epsilon: 1e-5 },
      [{ shape: [3, C, 7, 5] }, { shape: [C], init: g }, { shape: [C], init: b }, { shape: [C], init: m }, { shape: [C], init: v }]);
    const want = run(graph, feeds).out0;
    const got = batchNorm(rt, f32(feeds.in0), 3, C, 35, { gamma: f32(g), beta: f32(b), mean: f32(m), variance: f32(v), eps: 1e-5 });
    expect(relErr(got, f32(want))).toBeLessThanOrEqual(1e-4);
  });

  it.each([
    ['Relu', {}, 'relu'], ['Sigmoid', {}, 'sigmoid'], ['Tanh', {}, 'tanh'], ['HardSwish', {}, 'hardswish'],
    ['LeakyRelu', { alpha: 0.1 }, { kind: 'leaky', alpha: 0.1 }],
  ] as const)('%s', (op, attrs, spec) => {
    const x = floats(Array.from(f32(randTensor([1031], 12)), (v) => v * 7));
    const { graph, feeds } = singleNode(op, { ...attrs }, [{ shape: [1031], feed: x }]);
    const want = run(graph, feeds).out0;
    expect(relErr(activation(rt, f32(x), spec), f32(want))).toBeLessThanOrEqual(1e-4);
  });

  it.each(['Add', 'Mul'] as const)('%s', (op) => {
    const { graph, feeds } = singleNode(op, {}, [{ shape: [4, 3, 7] }, { shape: [4, 3, 7] }]);
    const want = run(graph, feeds).out0;
    const got = binary(rt, op === 'Add' ? 'add' : 'mul', f32(feeds.in0), f32(feeds.in1));
    expect(relErr(got, f32(want))).toBeLessThanOrEqual(1e-5);
  });
});
