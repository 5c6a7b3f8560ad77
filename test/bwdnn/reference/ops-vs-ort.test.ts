// Every op of the reference executor against onnxruntime-node: single-node ONNX models built with
// bwvm's exporter, random inputs, several attribute combinations; max relative error <= 1e-4.
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/bwdnn/reference/run.js';
import { floats, ints, maxRelErr, randTensor, runOrt, singleNode, type InSpec } from './ort-support.js';
import type { Attrs } from '../../../src/ir/types.js';
import { OPS } from '../../../src/ir/ops/index.js';

interface Case { name: string; op: string; attrs?: Attrs; ins: (InSpec | null)[]; opset?: number; outputs?: number }
const W = (shape: number[], seed = 3): InSpec => ({ shape, init: randTensor(shape, seed) });
const X = (shape: number[]): InSpec => ({ shape });
/** Positive inputs (for Sqrt, Pow, Reciprocal). */
const P = (shape: number[]): InSpec => { const t = randTensor(shape, 13); (t.data as Float32Array).forEach((v, i, a) => { a[i] = Math.abs(v) + 0.1; }); return { shape, feed: t }; };

const CASES: Case[] = [
  { name: 'conv basic + bias', op: 'Conv', ins: [X([2, 3, 7, 7]), W([4, 3, 3, 3]), W([4], 5)] },
  { name: 'conv stride 2 pads', op: 'Conv', attrs: { strides: [2, 2], pads: [1, 0, 2, 1] }, ins: [X([1, 3, 9, 8]), W([5, 3, 3, 2])] },
  { name: 'conv dilation 2', op: 'Conv', attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] }, ins: [X([1, 2, 8, 8]), W([3, 2, 3, 3])] },
  { name: 'conv groups 2', op: 'Conv', attrs: { group: 2 }, ins: [X([1, 4, 6, 6]), W([6, 2, 3, 3]), W([6], 9)] },
  { name: 'conv depthwise', op: 'Conv', attrs: { group: 4, pads: [1, 1, 1, 1] }, ins: [X([2, 4, 5, 5]), W([4, 1, 3, 3])] },
  { name: 'conv SAME_UPPER stride 2', op: 'Conv', attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, ins: [X([1, 2, 7, 8]), W([3, 2, 4, 3])] },
  { name: 'conv SAME_LOWER', op: 'Conv', attrs: { auto_pad: 'SAME_LOWER' }, ins: [X([1, 2, 6, 6]), W([3, 2, 4, 4])] },
  { name: 'conv VALID', op: 'Conv', attrs: { auto_pad: 'VALID', strides: [1, 2] }, ins: [X([1, 2, 6, 7]), W([2, 2, 3, 3])] },
  { name: 'conv 1-D', op: 'Conv', attrs: { pads: [1, 1], strides: [2] }, ins: [X([2, 3, 10]), W([4, 3, 3])] },
  { name: 'convT stride 2', op: 'ConvTranspose', attrs: { strides: [2, 2] }, ins: [X([1, 3, 4, 4]), W([3, 2, 3, 3]), W([2], 5)] },
  { name: 'convT stride 2 pads output_padding', op: 'ConvTranspose', attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, ins: [X([2, 2, 4, 5]), W([2, 3, 3, 3])] },
  { name: 'convT groups dilation', op: 'ConvTranspose', attrs: { group: 2, dilations: [2, 1] }, ins: [X([1, 4, 3, 4]), W([4, 1, 2, 3])] },
  { name: 'convT output_shape', op: 'ConvTranspose', attrs: { strides: [2, 2], output_shape: [9, 10] }, ins: [X([1, 2, 4, 5]), W([2, 3, 3, 3])] },
  { name: 'convT SAME_UPPER', op: 'ConvTranspose', attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' }, ins: [X([1, 2, 3, 4]), W([2, 2, 4, 3])] },
  { name: 'convT SAME_LOWER', op: 'ConvTranspose', attrs: { strides: [2, 2], auto_pad: 'SAME_LOWER' }, ins: [X([1, 2, 3, 4]), W([2, 2, 4, 3])] },
  { name: 'convT 1-D', op: 'ConvTranspose', attrs: { strides: [3], pads: [1, 0] }, ins: [X([2, 2, 5]), W([2, 3, 4])] },
  { name: 'batchnorm', op: 'BatchNormalization', attrs: { epsilon: 1e-3 }, ins: [X([2, 3, 4, 4]), W([3], 1), W([3], 2), W([3], 3), { shape: [3], init: { dtype: 'float32', shape: [3], data: Float32Array.from([0.5, 1, 2]) } }] },
  { name: 'relu', op: 'Relu', ins: [X([2, 3, 4])] },
  { name: 'leakyrelu', op: 'LeakyRelu', attrs: { alpha: 0.2 }, ins: [X([2, 7])] },
  { name: 'sigmoid', op: 'Sigmoid', ins: [X([3, 5])] },
  { name: 'tanh', op: 'Tanh', ins: [X([3, 5])] },
  { name: 'hardsigmoid', op: 'HardSigmoid', attrs: { alpha: 0.3, beta: 0.4 }, ins: [X([3, 5])] },
  { name: 'hardswish', op: 'HardSwish', ins: [{ shape: [2, 8], feed: { dtype: 'float32', shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => (i - 8) * 0.9) } }], opset: 14 },
  { name: 'clip attrs (opset 9 relu6)', op: 'Clip', attrs: { min: 0, max: 0.5 }, ins: [X([4, 4])], opset: 9 },
  { name: 'clip inputs (opset 11)', op: 'Clip', ins: [X([4, 4]), { shape: [], init: floats([-0.2], []) }, { shape: [], init: floats([0.3], []) }], opset: 11 },
  { name: 'clip max only', op: 'Clip', ins: [X([4, 4]), null, { shape: [], init: floats([0.1], []) }], opset: 13 },
  { name: 'maxpool 2x2', op: 'MaxPool', attrs: { kernel_shape: [2, 2], strides: [2, 2] }, ins: [X([2, 3, 6, 6])] },
  { name: 'maxpool 3x3 s2 pads ceil', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, ins: [X([1, 2, 8, 7])] },
  { name: 'maxpool dilation', op: 'MaxPool', attrs: { kernel_shape: [2, 2], dilations: [2, 2] }, ins: [X([1, 1, 6, 6])], opset: 11 },
  { name: 'maxpool SAME_UPPER', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, ins: [X([1, 2, 7, 6])] },
  { name: 'avgpool pads exclude', op: 'AveragePool', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, ins: [X([1, 2, 5, 5])] },
  { name: 'avgpool pads include', op: 'AveragePool', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }, ins: [X([1, 2, 5, 5])] },
  { name: 'avgpool ceil include', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }, ins: [X([1, 2, 8, 8])] },
  { name: 'avgpool ceil exclude', op: 'AveragePool', attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, ins: [X([1, 2, 5, 7])] },
  { name: 'global avg', op: 'GlobalAveragePool', ins: [X([2, 3, 4, 5])] },
  { name: 'global max', op: 'GlobalMaxPool', ins: [X([2, 3, 4, 5])] },
  { name: 'gemm transB bias', op: 'Gemm', attrs: { transB: 1 }, ins: [X([3, 5]), W([4, 5]), W([4], 2)] },
  { name: 'gemm transA alpha beta', op: 'Gemm', attrs: { transA: 1, alpha: 0.5, beta: 2 }, ins: [X([5, 3]), W([5, 4]), W([3, 4], 2)] },
  { name: 'matmul 2d', op: 'MatMul', ins: [X([3, 5]), W([5, 4])] },
  { name: 'matmul batched broadcast', op: 'MatMul', ins: [X([2, 3, 4, 5]), W([5, 2])] },
  { name: 'matmul 1d x 2d', op: 'MatMul', ins: [X([5]), W([5, 3])] },
  { name: 'add broadcast', op: 'Add', ins: [X([2, 3, 4]), W([3, 1])] },
  { name: 'sub broadcast', op: 'Sub', ins: [X([2, 3, 4]), W([4])] },
  { name: 'mul channel', op: 'Mul', ins: [X([2, 3, 4, 4]), W([1, 3, 1, 1])] },
  { name: 'div', op: 'Div', ins: [X([2, 3]), { shape: [2, 3], init: floats([1, 2, 3, 4, 5, 6], [2, 3]) }] },
  { name: 'concat axis 1', op: 'Concat', attrs: { axis: 1 }, ins: [X([2, 3, 4]), X([2, 1, 4]), W([2, 2, 4])] },
  { name: 'flatten axis 2', op: 'Flatten', attrs: { axis: 2 }, ins: [X([2, 3, 4, 5])] },
  { name: 'reshape 0 and -1', op: 'Reshape', ins: [X([2, 3, 4]), { shape: [2], init: ints([0, -1]) }] },
  { name: 'transpose', op: 'Transpose', attrs: { perm: [0, 2, 3, 1] }, ins: [X([2, 3, 4, 5])] },
  { name: 'pad constant attr (opset 9)', op: 'Pad', attrs: { pads: [0, 0, 1, 2, 0, 0, 2, 1], value: 0.5 }, ins: [X([1, 2, 3, 3])], opset: 9 },
  { name: 'pad constant input (opset 11)', op: 'Pad', ins: [X([1, 2, 3, 3]), { shape: [8], init: ints([0, 0, 1, 0, 0, 1, 0, 2]) }, { shape: [], init: floats([-1], []) }], opset: 11 },
  { name: 'pad reflect', op: 'Pad', attrs: { mode: 'reflect' }, ins: [X([1, 1, 4, 4]), { shape: [8], init: ints([0, 0, 2, 1, 0, 0, 1, 2]) }], opset: 13 },
  { name: 'pad edge', op: 'Pad', attrs: { mode: 'edge' }, ins: [X([1, 1, 3, 3]), { shape: [8], init: ints([0, 0, 2, 1, 0, 0, 1, 2]) }], opset: 13 },
  { name: 'softmax opset 11 (2-D coercion)', op: 'Softmax', attrs: { axis: 1 }, ins: [X([2, 3, 4])], opset: 11 },
  { name: 'softmax opset 13 axis 1', op: 'Softmax', attrs: { axis: 1 }, ins: [X([2, 3, 4])], opset: 13 },
  { name: 'softmax opset 13 default', op: 'Softmax', ins: [X([2, 3, 4])], opset: 13 },
  { name: 'dropout', op: 'Dropout', ins: [X([2, 3])], opset: 13 },
  { name: 'identity', op: 'Identity', ins: [X([2, 3])] },
  { name: 'resize nearest asymmetric floor x2', op: 'Resize', attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, ins: [X([1, 2, 3, 3]), { shape: [0], init: floats([], [0]) }, { shape: [4], init: floats([1, 1, 2, 2]) }], opset: 13 },
  { name: 'resize nearest half_pixel sizes', op: 'Resize', attrs: { mode: 'nearest' }, ins: [X([1, 2, 4, 4]), { shape: [0], init: floats([], [0]) }, { shape: [0], init: floats([], [0]) }, { shape: [4], init: ints([1, 2, 7, 5]) }], opset: 13 },
  { name: 'resize linear half_pixel', op: 'Resize', attrs: { mode: 'linear' }, ins: [X([1, 2, 3, 4]), { shape: [0], init: floats([], [0]) }, { shape: [4], init: floats([1, 1, 2, 1.5]) }], opset: 13 },
  { name: 'resize linear align_corners sizes', op: 'Resize', attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, ins: [X([1, 1, 3, 4]), { shape: [0], init: floats([], [0]) }, { shape: [0], init: floats([], [0]) }, { shape: [4], init: ints([1, 1, 7, 5]) }], opset: 13 },
  { name: 'resize linear pytorch_half_pixel', op: 'Resize', attrs: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }, ins: [X([1, 2, 4, 4]), { shape: [0], init: floats([], [0]) }, { shape: [4], init: floats([1, 1, 2, 2]) }], opset: 13 },
  { name: 'resize linear asymmetric downsample', op: 'Resize', attrs: { mode: 'linear', coordinate_transformation_mode: 'asymmetric' }, ins: [X([1, 2, 6, 6]), { shape: [0], init: floats([], [0]) }, { shape: [4], init: floats([1, 1, 0.5, 0.5]) }], opset: 13 },
  { name: 'resize nearest round_prefer_ceil align_corners', op: 'Resize', attrs: { mode: 'nearest', coordinate_transformation_mode: 'align_corners', nearest_mode: 'round_prefer_ceil' }, ins: [X([1, 1, 3, 5]), { shape: [0], init: floats([], [0]) }, { shape: [4], init: floats([1, 1, 2, 1.6]) }], opset: 13 },
  { name: 'upsample linear opset 9', op: 'Upsample', attrs: { mode: 'linear' }, ins: [X([1, 1, 3, 3]), { shape: [4], init: floats([1, 1, 2, 2]) }], opset: 9 },
  { name: 'resize opset 10', op: 'Resize', attrs: { mode: 'nearest' }, ins: [X([1, 1, 3, 2]), { shape: [4], init: floats([1, 1, 2, 3]) }], opset: 10 },
  { name: 'upsample opset 9', op: 'Upsample', attrs: { mode: 'nearest' }, ins: [X([1, 2, 3, 3]), { shape: [4], init: floats([1, 1, 2, 2]) }], opset: 9 },
  { name: 'squeeze attr (opset 11)', op: 'Squeeze', attrs: { axes: [1, 3] }, ins: [X([2, 1, 3, 1])], opset: 11 },
  { name: 'squeeze input (opset 13)', op: 'Squeeze', ins: [X([2, 1, 3, 1]), { shape: [1], init: ints([-1]) }], opset: 13 },
  { name: 'unsqueeze attr (opset 11)', op: 'Unsqueeze', attrs: { axes: [0, 3] }, ins: [X([2, 3])], opset: 11 },
  { name: 'unsqueeze input (opset 13)', op: 'Unsqueeze', ins: [X([2, 3]), { shape: [1], init: ints([1]) }], opset: 13 },
  { name: 'slice steps', op: 'Slice', ins: [X([4, 6]), { shape: [2], init: ints([1, 5]) }, { shape: [2], init: ints([4, 0]) }, { shape: [2], init: ints([0, 1]) }, { shape: [2], init: ints([2, -2]) }], opset: 13 },
  { name: 'gather axis 1', op: 'Gather', attrs: { axis: 1 }, ins: [X([2, 5, 3]), { shape: [2, 2], init: ints([0, 4, -1, 2], [2, 2]) }] },
  { name: 'elu', op: 'Elu', attrs: { alpha: 0.7 }, ins: [X([3, 4])] },
  { name: 'max variadic', op: 'Max', ins: [X([2, 3]), W([3]), W([2, 1], 4)] },
  { name: 'abs', op: 'Abs', ins: [X([5])] },
  { name: 'neg', op: 'Neg', ins: [X([5])] },
  { name: 'exp', op: 'Exp', ins: [X([2, 5])] },
  { name: 'sqrt', op: 'Sqrt', ins: [P([2, 5])] },
  { name: 'reciprocal', op: 'Reciprocal', ins: [P([2, 5])] },
  { name: 'pow broadcast', op: 'Pow', ins: [P([2, 5]), { shape: [5], init: floats([0.5, 1, 2, 3, -1]) }] },
  { name: 'min variadic', op: 'Min', ins: [X([2, 3]), W([3])] },
  { name: 'sum variadic', op: 'Sum', ins: [X([2, 3]), W([3]), W([2, 3], 8)] },
  { name: 'instancenorm', op: 'InstanceNormalization', attrs: { epsilon: 1e-4 }, ins: [X([2, 3, 4, 5]), W([3], 1), W([3], 2)] },
  { name: 'constant tensor', op: 'Constant', attrs: { value: floats([1, 2, 3, 4.5], [2, 2]) }, ins: [] },
  { name: 'shape (int64 output)', op: 'Shape', ins: [X([2, 3, 4])] },
  { name: 'shape start/end (opset 15)', op: 'Shape', attrs: { start: 1, end: -1 }, ins: [X([2, 3, 4, 5])], opset: 15 },
  { name: 'cast float -> int32', op: 'Cast', attrs: { to: 6 }, ins: [{ shape: [6], feed: floats([-2.7, -0.5, 0, 0.9, 3.5, 100.2]) }] },
  { name: 'reducemean spatial keepdims', op: 'ReduceMean', attrs: { axes: [2, 3] }, ins: [X([2, 3, 4, 5])] },
  { name: 'reducemean no keepdims', op: 'ReduceMean', attrs: { axes: [-1], keepdims: 0 }, ins: [X([2, 3, 4])] },
  { name: 'reducesum axes input (opset 13)', op: 'ReduceSum', ins: [X([2, 3, 4]), { shape: [2], init: ints([0, 2]) }], opset: 13 },
  { name: 'reducemax all', op: 'ReduceMax', attrs: { keepdims: 0 }, ins: [X([2, 3, 4])] },
  { name: 'split equal (opset 11)', op: 'Split', attrs: { axis: 1 }, ins: [X([2, 6, 3])], opset: 11, outputs: 3 },
  { name: 'split sizes input (opset 13)', op: 'Split', attrs: { axis: -1 }, ins: [X([2, 3, 5]), { shape: [2], init: ints([2, 3]) }], opset: 13, outputs: 2 },
  { name: 'reducemin axis 1', op: 'ReduceMin', attrs: { axes: [1] }, ins: [X([2, 3, 4])] },
  { name: 'quantize per-tensor uint8', op: 'QuantizeLinear', ins: [X([2, 3, 4]), { shape: [], init: floats([0.01], []) }, { shape: [], init: { dtype: 'uint8', shape: [], data: Uint8Array.from([128]) } }] },
  { name: 'quantize per-channel int8', op: 'QuantizeLinear', attrs: { axis: 1 }, ins: [X([2, 3, 4]), { shape: [3], init: floats([0.005, 0.01, 0.02]) }, { shape: [3], init: { dtype: 'int8', shape: [3], data: Int8Array.from([0, -3, 5]) } }] },
  { name: 'dequantize per-channel int8', op: 'DequantizeLinear', attrs: { axis: 0 }, ins: [{ shape: [3, 4], feed: { dtype: 'int8', shape: [3, 4], data: Int8Array.from([-128, -5, 0, 7, 127, 1, 2, 3, 4, 5, 6, -7]) } }, { shape: [3], init: floats([0.5, 0.25, 2]) }, { shape: [3], init: { dtype: 'int8', shape: [3], data: Int8Array.from([1, 0, -2]) } }] },
];

describe('reference kernels vs onnxruntime-node', () => {
  it('every op of the op table has a case here', () => {
    const tested = new Set(CASES.map((c) => c.op));
    expect([...OPS.keys()].filter((op) => !tested.has(op))).toEqual([]);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const { graph, feeds } = singleNode(c.op, c.attrs ?? {}, c.ins, c.opset ?? 13, c.outputs ?? 1);
      const ref = run(graph, feeds);
      const ort = await runOrt(graph, feeds);
      for (const { name: o } of graph.outputs) {
        expect(ref[o]!.shape).toEqual(ort[o]!.shape);
        expect(maxRelErr(ref[o]!, ort[o]!)).toBeLessThanOrEqual(1e-4);
      }
    });
  }
});
