// Every gradient kernel against central finite differences (loss = sum(y * r)).
import { describe, expect, it } from 'vitest';
import { gradCheck, awayFromKinks, type Case } from './gradcheck.js';
import { GRADS } from '../../../src/bwdnn/train/grads/index.js';

const pos = (r: { next(): number }) => 0.5 + r.next();
const CASES: [string, Case][] = [
  ['Conv 3x3 stride 2 pad 1 bias', { op: 'Conv', inputs: [{ name: 'x', shape: [2, 3, 7, 6] }, { name: 'w', shape: [4, 3, 3, 3] }, { name: 'b', shape: [4] }], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } }],
  ['Conv depthwise dilation 2', { op: 'Conv', inputs: [{ name: 'x', shape: [1, 4, 8, 8] }, { name: 'w', shape: [4, 1, 3, 3] }], attrs: { kernel_shape: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2], group: 4 } }],
  ['Conv groups 2, 1x1', { op: 'Conv', inputs: [{ name: 'x', shape: [2, 4, 5, 5] }, { name: 'w', shape: [6, 2, 1, 1] }, { name: 'b', shape: [6] }], attrs: { kernel_shape: [1, 1], group: 2 } }],
  ['ConvTranspose stride 2', { op: 'ConvTranspose', inputs: [{ name: 'x', shape: [1, 3, 4, 4] }, { name: 'w', shape: [3, 2, 3, 3] }, { name: 'b', shape: [2] }], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } }],
  ['Gemm transB bias', { op: 'Gemm', inputs: [{ name: 'a', shape: [3, 5] }, { name: 'b', shape: [4, 5] }, { name: 'c', shape: [4] }], attrs: { transB: 1, alpha: 0.7, beta: 1.3 } }],
  ['Gemm transA', { op: 'Gemm', inputs: [{ name: 'a', shape: [5, 3] }, { name: 'b', shape: [5, 4] }], attrs: { transA: 1 } }],
  ['MatMul', { op: 'MatMul', inputs: [{ name: 'a', shape: [3, 5] }, { name: 'b', shape: [5, 2] }] }],
  ['BatchNormalization training', { op: 'BatchNormalization', training: true, inputs: [{ name: 'x', shape: [3, 2, 3, 3] }, { name: 'g', shape: [2], fill: pos }, { name: 'b', shape: [2] }, { name: 'm', shape: [2], grad: false }, { name: 'v', shape: [2], fill: pos, grad: false }], attrs: { epsilon: 1e-5 } }],
  ['BatchNormalization inference', { op: 'BatchNormalization', inputs: [{ name: 'x', shape: [2, 3, 2, 2] }, { name: 'g', shape: [3], fill: pos }, { name: 'b', shape: [3] }, { name: 'm', shape: [3], grad: false }, { name: 'v', shape: [3], fill: pos, grad: false }] }],
  ['Relu', { op: 'Relu', inputs: [{ name: 'x', shape: [2, 3, 4], fill: awayFromKinks }] }],
  ['LeakyRelu', { op: 'LeakyRelu', inputs: [{ name: 'x', shape: [2, 6], fill: awayFromKinks }], attrs: { alpha: 0.1 } }],
  ['Sigmoid', { op: 'Sigmoid', inputs: [{ name: 'x', shape: [10] }] }],
  ['Tanh', { op: 'Tanh', inputs: [{ name: 'x', shape: [10] }] }],
  ['HardSwish', { op: 'HardSwish', inputs: [{ name: 'x', shape: [20], fill: (r) => awayFromKinks(r) * 1.5 }], opset: 14 }],
  ['HardSigmoid', { op: 'HardSigmoid', inputs: [{ name: 'x', shape: [20], fill: awayFromKinks }] }],
  ['Clip (Relu6) inputs', { op: 'Clip', inputs: [{ name: 'x', shape: [20], fill: (r) => 8 * r.next() - 1 }, { name: 'lo', shape: [], fill: () => 0, grad: false }, { name: 'hi', shape: [], fill: () => 6, grad: false }] }],
  ['MaxPool 2x2', { op: 'MaxPool', inputs: [{ name: 'x', shape: [1, 2, 6, 5] }], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }],
  ['AveragePool 3x3 pad exclude', { op: 'AveragePool', inputs: [{ name: 'x', shape: [1, 2, 5, 5] }], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }],
  ['AveragePool 3x3 pad include', { op: 'AveragePool', inputs: [{ name: 'x', shape: [1, 2, 5, 5] }], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } }],
  ['GlobalAveragePool', { op: 'GlobalAveragePool', inputs: [{ name: 'x', shape: [2, 3, 4, 4] }] }],
  ['GlobalMaxPool', { op: 'GlobalMaxPool', inputs: [{ name: 'x', shape: [2, 3, 4, 4] }] }],
  ['Add broadcast', { op: 'Add', inputs: [{ name: 'a', shape: [2, 3, 4, 4] }, { name: 'b', shape: [3, 1, 1] }] }],
  ['Sub', { op: 'Sub', inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [3] }] }],
  ['Mul broadcast', { op: 'Mul', inputs: [{ name: 'a', shape: [2, 3, 2] }, { name: 'b', shape: [1, 3, 1] }] }],
  ['Div', { op: 'Div', inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [2, 3], fill: pos }] }],
  ['Concat axis 1', { op: 'Concat', inputs: [{ name: 'a', shape: [2, 2, 3] }, { name: 'b', shape: [2, 1, 3] }], attrs: { axis: 1 } }],
  ['Flatten', { op: 'Flatten', inputs: [{ name: 'x', shape: [2, 3, 2, 2] }], attrs: { axis: 1 } }],
  ['Transpose', { op: 'Transpose', inputs: [{ name: 'x', shape: [2, 3, 4] }], attrs: { perm: [2, 0, 1] } }],
  ['Softmax axis -1', { op: 'Softmax', inputs: [{ name: 'x', shape: [3, 5] }], attrs: { axis: -1 } }],
  ['Softmax opset 11 axis 1 (coerced 2-D)', { op: 'Softmax', opset: 11, inputs: [{ name: 'x', shape: [2, 3, 2] }], attrs: { axis: 1 } }],
];

describe('gradient kernels vs finite differences', () => {
  for (const [title, c] of CASES) {
    it(title, () => {
      const { worst, where } = gradCheck(c);
      expect(worst, where).toBeLessThan(5e-3);
    });
  }

  it('a wrong gradient is caught by the checker', () => {
    const row = GRADS.get('Tanh')!;
    const orig = row.grad;
    (row as { grad: typeof orig }).grad = (c) => orig(c).map((g) => g?.map((v) => v * 1.1));
    try {
      expect(gradCheck({ op: 'Tanh', inputs: [{ name: 'x', shape: [10] }] }).worst).toBeGreaterThan(5e-3);
    } finally {
      (row as { grad: typeof orig }).grad = orig;
    }
  });

  it('covers every trainable op the issue names', () => {
    for (const op of ['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'BatchNormalization', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSwish', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Concat', 'Flatten', 'Reshape', 'Softmax']) {
      expect(GRADS.has(op), op).toBe(true);
    }
  });
});
