// `%dsplib run` output checks: per dsplib kernel, the ONNX graph computing the same output on the
// reference executor (bwdnn), the logical (ONNX-shaped) inputs it takes and how they become the
// kernel's input data (matmul B transposed, deconv weights phase-packed); integer kernels instead
// get seeded int8 data and a bit-exact expectation from bwdnn's fixed-point reference. One row per kernel.
import { quantizeMultiplier, QKERNELS } from '../bwdnn/quant/index.js';
import { run as reference } from '../bwdnn/reference/index.js';
import { type DspKernel, deconvWeights, gemmLayoutB, qconvPack, qdensePack } from '../dsplib/index.js';
import { type Attrs, createGraph, inferShapes, type Tensor } from '../ir/index.js';
import { lcg } from '../util/lcg.js';

export type RunShape = Record<string, number | number[]>;
/** A reference node: inputs are logical input indices, or -1 for the previous node's output. */
interface RefNode { op: string; attrs?: Attrs; inputs: number[] }

export interface CheckRow {
  /** Logical (ONNX) input shapes; default: the kernel tensors' shapes. */
  shapes?(s: RunShape, k: DspKernel): number[][];
  /** Dense kernel input data from the logical inputs; default: the same arrays. */
  toKernel?(s: RunShape, ins: Float32Array[]): Float32Array[];
  nodes(s: RunShape): RefNode[];
  /** Integer kernels: packed input words by symbol and the bit-exact expected output words. */
  integer?(s: RunShape, seed: number, k: DspKernel): IntegerCheck;
}

export interface IntegerCheck { words: Record<string, Int32Array>; expected: Int32Array; reference: string }

const n = (s: RunShape, key: string, dflt = 0): number => (s[key] as number | undefined) ?? dflt;
const win = (k: number, stride: number, pad: number): Attrs => ({ kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] });
const convNode = (s: RunShape): RefNode => ({ op: 'Conv', attrs: { ...win(n(s, 'kH'), n(s, 'stride'), n(s, 'pad')), kernel_shape: [n(s, 'kH'), n(s, 'kW')] }, inputs: [0, 1, 2] });
const one = (op: string, attrs: Attrs = {}): CheckRow => ({ nodes: () => [{ op, attrs, inputs: [0] }] });
const poolRow = (op: string): CheckRow => ({ nodes: (s) => [{ op, attrs: win(n(s, 'k'), n(s, 'stride'), 0), inputs: [0] }] });


/** Seeded layer parameters of an integer check: int32 bias, per-channel multipliers 2^[lo, lo+span), zero points. */
function seededLayer(r: () => number, M: number, lo: number, span: number, dtype: 'int8' | 'int16') {
  const bias = Int32Array.from({ length: M }, () => Math.floor((r() - 0.5) * 2 ** 16));
  const mult = Array.from({ length: M }, () => quantizeMultiplier(2 ** (lo + span * r())));
  const zx = Math.floor(r() * 20) - 10, zy = Math.floor(r() * 20) - 10;
  const q = (zp: number) => ({ dtype, quant: { scale: [1], zeroPoint: [zp] } });
  return { bias, mult, zx, zy, q };
}

/** qdense_i8 / qdense_i16: seeded full-range x/w, multipliers in the kernel's range; bwdnn's integer Gemm. */
function qdenseCheck(bits: 8 | 16) {
  return (s: RunShape, seed: number): IntegerCheck => {
    const N = n(s, 'N'), K = n(s, 'K'), M = n(s, 'M'), r = lcg(seed), half = bits === 8 ? 128 : 32768, val = (): number => Math.floor(r() * 2 * half) - half;
    const x = Int32Array.from({ length: N * K }, val), w = Int32Array.from({ length: M * K }, val);
    const { bias, mult, zx, zy, q } = seededLayer(r, M, bits === 8 ? -12 : -30, bits === 8 ? 9.9 : 8, bits === 8 ? 'int8' : 'int16');
    const gemm = QKERNELS.get('Gemm')!;
    const y = gemm([{ shape: [N, K], data: x }], {
      node: { name: 'qdense', op: 'Gemm', inputs: ['x'], output: 'y', attrs: {}, from: [], requant: mult,
        weight: { dtype: 'int32', shape: [M, K], data: w }, bias: { dtype: 'int32', shape: [M], data: bias } },
      inputs: [q(zx)], output: q(zy),
    });
    return { words: qdensePack({ N, K, M, bits, x, w, bias, mult, zx, zy }), expected: y.data, reference: "bwdnn's fixed-point Gemm" };
  };
}

/** qconv_i8 / qconv_i16: seeded full-range x/w, int32 bias, multipliers in range, zero points; bwdnn's integer Conv. */
function qconvCheck(bits: 8 | 16) {
  return (s: RunShape, seed: number, k: DspKernel): IntegerCheck => {
    const C = n(s, 'C'), H = n(s, 'H'), W = n(s, 'W'), M = n(s, 'M'), kH = n(s, 'kH'), kW = n(s, 'kW'), stride = n(s, 'stride'), pad = n(s, 'pad');
    const r = lcg(seed), half = bits === 8 ? 128 : 32768, val = (): number => Math.floor(r() * 2 * half) - half;
    const x = Int32Array.from({ length: C * H * W }, val), w = Int32Array.from({ length: M * C * kH * kW }, val);
    const { bias, mult, zx, zy, q } = seededLayer(r, M, bits === 8 ? -16 : -30, 8, bits === 8 ? 'int8' : 'int16');
    const y = QKERNELS.get('Conv')!([{ shape: [1, C, H, W], data: x }], {
      node: { name: 'qconv', op: 'Conv', inputs: ['x'], output: 'y', from: [], requant: mult,
        attrs: { kernel_shape: [kH, kW], strides: [stride, stride], pads: [pad, pad, pad, pad] },
        weight: { dtype: 'int32', shape: [M, C, kH, kW], data: w }, bias: { dtype: 'int32', shape: [M], data: bias } },
      inputs: [q(zx)], output: q(zy),
    });
    const p = k.params as Record<string, number>;
    const words = qconvPack({ x, w, bias, mult, zx, zy }, { C, H, W, M, kH, kW, pad, bits, Hpp: p.Hpp!, Wpp: p.Wpp!, Kp: p.Kp! });
    return { words, expected: y.data, reference: "bwdnn's fixed-point Conv" };
  };
}

/** The check table: kernel name -> reference. */
export const DSPLIB_CHECKS: Record<string, CheckRow> = {
  conv2d: { nodes: (s) => [convNode(s)] },
  conv2d_tiled: { nodes: (s) => [convNode(s)] },
  conv2d_relu: { nodes: (s) => [convNode(s), { op: 'Relu', inputs: [-1] }] },
  conv2d_add_relu: { nodes: (s) => [convNode(s), { op: 'Add', inputs: [-1, 3] }, { op: 'Relu', inputs: [-1] }] },
  relu: one('Relu'),
  relu6: one('Clip', { min: 0, max: 6 }),
  add: { nodes: () => [{ op: 'Add', inputs: [0, 1] }] },
  leakyrelu: { nodes: (s) => [{ op: 'LeakyRelu', attrs: { alpha: n(s, 'alpha', 0.01) }, inputs: [0] }] },
  sigmoid: one('Sigmoid'),
  tanh: one('Tanh'),
  softmax: one('Softmax', { axis: -1 }),
  maxpool: poolRow('MaxPool'),
  avgpool: poolRow('AveragePool'),
  dense: { nodes: () => [{ op: 'Gemm', attrs: { transB: 1 }, inputs: [0, 1, 2] }] },
  matmul: {
    shapes: (s) => [[n(s, 'N'), n(s, 'K')], [n(s, 'K'), n(s, 'M')]],
    toKernel: (s, [a, b]) => [a!, gemmLayoutB(b!, n(s, 'K'), n(s, 'M'))],
    nodes: () => [{ op: 'MatMul', inputs: [0, 1] }],
  },
  concat: { nodes: (s) => [{ op: 'Concat', attrs: { axis: 1 }, inputs: (s.C as number[]).map((_, i) => i) }] },
  deconv: {
    shapes: (s, k) => [k.inputs[0]!.shape, [n(s, 'C'), n(s, 'M'), n(s, 'kH'), n(s, 'kW')], [n(s, 'M')]],
    toKernel: (s, [x, w, b]) => [x!, deconvWeights(s as never, w!), b!],
    nodes: (s) => [{ op: 'ConvTranspose', attrs: { ...win(n(s, 'kH'), n(s, 'stride'), n(s, 'pad')), kernel_shape: [n(s, 'kH'), n(s, 'kW')], output_padding: [n(s, 'outPad'), n(s, 'outPad')] }, inputs: [0, 1, 2] }],
  },
  depthwise: { nodes: (s) => [{ op: 'Conv', attrs: { ...win(n(s, 'k', 3), n(s, 'stride'), n(s, 'pad')), group: n(s, 'C') }, inputs: [0, 1, 2] }] },
  batchnorm: {
    shapes: (s, k) => [k.inputs[0]!.shape, [1, n(s, 'C'), 1, 1], [1, n(s, 'C'), 1, 1]],
    nodes: () => [{ op: 'Mul', inputs: [0, 1] }, { op: 'Add', inputs: [-1, 2] }],
  },
  qdense_i8: { nodes: () => [], integer: qdenseCheck(8) },
  qdense_i16: { nodes: () => [], integer: qdenseCheck(16) },
  qconv_i8: { nodes: () => [], integer: qconvCheck(8) },
  qconv_i16: { nodes: () => [], integer: qconvCheck(16) },
};

/** Shape parameters a kernel takes beyond its example shape. */
export const EXTRA_PARAMS: Record<string, string[]> = { leakyrelu: ['alpha'], depthwise: ['k'], deconv: ['outPad'] };

/** Run the row's reference graph on the logical inputs. */
export function referenceOutput(row: CheckRow, s: RunShape, shapes: number[][], ins: Float32Array[]): Float32Array {
  const names = shapes.map((_, i) => `in${i}`), nodes = row.nodes(s);
  const g = createGraph({
    inputs: shapes.map((shape, i) => ({ name: names[i]!, dtype: 'float32' as const, shape })),
    outputs: [{ name: 'out', dtype: 'float32', shape: [] }],
    nodes: nodes.map((nd, j) => ({
      name: `n${j}`, op: nd.op, attrs: nd.attrs ?? {},
      inputs: nd.inputs.map((i) => (i < 0 ? `t${j - 1}` : names[i]!)), outputs: [j === nodes.length - 1 ? 'out' : `t${j}`],
    })),
  });
  inferShapes(g);
  const feeds: Record<string, Tensor> = {};
  shapes.forEach((shape, i) => { feeds[names[i]!] = { dtype: 'float32', shape, data: ins[i]! }; });
  return reference(g, feeds).out!.data as Float32Array;
}
