// The fixed-point reference's MaxPool (tap ranges hoisted out of the loops) and Add (rescaling by
// per-value tables on long tensors, per element on short ones) against their definitions, to the bit:
// pads, strides, dilations, ceil mode; int8, uint8 and int16 inputs with different params.
import { describe, expect, it } from 'vitest';
import { QKERNELS, mulShift, quantizeMultiplier, saturate, type QKernelCtx, type QTensor } from '../../../src/bwdnn/quant/index.js';
import { tensorParams, quantRange, type QuantDType } from '../../../src/ir/quant.js';
import type { Attrs } from '../../../src/ir/types.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}
const ints = (n: number, dt: QuantDType, rand: () => number): Int32Array => {
  const [lo, hi] = quantRange(dt);
  return Int32Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo + 1)));
};

describe('integer MaxPool', () => {
  const cases: { name: string; H: number; W: number; attrs: Attrs }[] = [
    { name: '2x2 stride 2', H: 8, W: 6, attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
    { name: '2x2 stride 2, odd sizes (last row and column dropped)', H: 7, W: 9, attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
    { name: '2x2 stride 2, ceil mode (partial windows)', H: 7, W: 9, attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } },
    { name: '3x3 stride 2 pad 1', H: 9, W: 7, attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
    { name: '3x2 dilation 2, asymmetric pads', H: 10, W: 9, attrs: { kernel_shape: [3, 2], dilations: [2, 2], pads: [2, 0, 1, 2] } },
    { name: '3x3 stride 2 ceil mode', H: 8, W: 8, attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
  ];
  for (const c of cases) {
    it(`${c.name} equals the window maximum over taps inside the input`, () => {
      const rand = lcg(cases.indexOf(c) + 3), N = 2, C = 3;
      const x: QTensor = { shape: [N, C, c.H, c.W], data: ints(N * C * c.H * c.W, 'int8', rand) };
      const v = { dtype: 'int8' as const, quant: tensorParams(0.1, 4) };
      const ctx: QKernelCtx = { node: { name: c.name, op: 'MaxPool', inputs: ['x'], output: 'y', attrs: c.attrs, from: [] }, inputs: [v], output: v };
      const got = QKERNELS.get('MaxPool')!([x], ctx);
      const [kH, kW] = c.attrs.kernel_shape as number[], [sH, sW] = (c.attrs.strides as number[] | undefined) ?? [1, 1];
      const [dH, dW] = (c.attrs.dilations as number[] | undefined) ?? [1, 1], [pT, pL] = (c.attrs.pads as number[] | undefined) ?? [0, 0, 0, 0];
      const [, , oH, oW] = got.shape as [number, number, number, number];
      for (let p = 0; p < N * C; p++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
        let m = -Infinity;
        for (let kh = 0; kh < kH!; kh++) for (let kw = 0; kw < kW!; kw++) {
          const ih = oh * sH! - pT! + kh * dH!, iw = ow * sW! - pL! + kw * dW!;
          if (ih >= 0 && ih < c.H && iw >= 0 && iw < c.W) m = Math.max(m, x.data[(p * c.H + ih) * c.W + iw]!);
        }
        expect(got.data[(p * oH + oh) * oW + ow], `${p} ${oh} ${ow}`).toBe(m);
      }
      expect(oH * oW).toBeGreaterThan(3);
    });
  }
});

describe('integer Add', () => {
  const cases: { a: QuantDType; b: QuantDType; y: QuantDType; n: number }[] = [
    { a: 'int8', b: 'int8', y: 'int8', n: 2000 }, // tables (511 + 255 + 2 <= n)
    { a: 'uint8', b: 'int8', y: 'uint8', n: 300 }, // per element
    { a: 'int16', b: 'int16', y: 'int16', n: 140000 }, // tables
    { a: 'int16', b: 'int8', y: 'int16', n: 5000 }, // per element
  ];
  for (const c of cases) {
    it(`${c.a} + ${c.b} -> ${c.y}, ${c.n} elements: saturate(zp_y + rndsh((a - zp_a) M_a) + rndsh((b - zp_b) M_b))`, () => {
      const rand = lcg(c.n);
      const A: QTensor = { shape: [1, c.n], data: ints(c.n, c.a, rand) }, B: QTensor = { shape: [1, c.n], data: ints(c.n, c.b, rand) };
      const pa = tensorParams(0.031, c.a === 'uint8' ? 128 : 3), pb = tensorParams(0.047, -5), py = tensorParams(0.06, c.y === 'uint8' ? 100 : 7);
      const ctx: QKernelCtx = { node: { name: 'add', op: 'Add', inputs: ['a', 'b'], output: 'y', attrs: {}, from: [] },
        inputs: [{ dtype: c.a, quant: pa }, { dtype: c.b, quant: pb }], output: { dtype: c.y, quant: py } };
      const got = QKERNELS.get('Add')!([A, B], ctx);
      const ma = quantizeMultiplier(0.031 / 0.06), mb = quantizeMultiplier(0.047 / 0.06), [lo, hi] = quantRange(c.y);
      const want = Int32Array.from(A.data, (a, i) => saturate(py.zeroPoint[0]! + mulShift(a - pa.zeroPoint[0]!, ma) + mulShift(B.data[i]! - pb.zeroPoint[0]!, mb), lo, hi));
      expect(got.data).toEqual(want);
      expect(new Set(want).size).toBeGreaterThan(50);
    });
  }
});
