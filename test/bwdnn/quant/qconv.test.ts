// The fixed-point reference's integer Conv (a padded-plane, 4-channel-blocked loop) against the
// convolution written straight from its definition (acc = bias + sum (x - zp_x) * w over the
// window, taps outside the input skipped; saturate(zp_y + rndsh(acc * M0, n))): strides, dilations,
// asymmetric pads, groups whose channel count is not a multiple of the 4-channel block,
// depthwise, zero weights, int8 and int16 ranges, a folded clamp. Equal to the last bit.
import { describe, expect, it } from 'vitest';
import { QKERNELS, quantizeMultiplier, requantize, type QKernelCtx, type QNode, type QTensor } from '../../../src/bwdnn/quant/index.js';
import { tensorParams, quantRange, type QuantDType } from '../../../src/ir/quant.js';
import type { Attrs } from '../../../src/ir/types.js';

interface Case { name: string; N: number; C: number; H: number; W: number; M: number; k: [number, number]; attrs: Attrs; dtype: QuantDType; clamp?: [number, number] }

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function definition(c: Case, x: QTensor, w: Int32Array, b: Int32Array, node: QNode, zx: number, zy: number, lo: number, hi: number): Int32Array {
  const group = (c.attrs.group as number | undefined) ?? 1, Cg = c.C / group, Mg = c.M / group;
  const [sH, sW] = (c.attrs.strides as number[] | undefined) ?? [1, 1], [dH, dW] = (c.attrs.dilations as number[] | undefined) ?? [1, 1];
  const [pT, pL, pB, pR] = (c.attrs.pads as number[] | undefined) ?? [0, 0, 0, 0];
  const [kH, kW] = c.k;
  const oH = Math.floor((c.H + pT + pB - ((kH - 1) * dH + 1)) / sH) + 1, oW = Math.floor((c.W + pL + pR - ((kW - 1) * dW + 1)) / sW) + 1;
  const y = new Int32Array(c.N * c.M * oH * oW);
  for (let n = 0; n < c.N; n++) for (let m = 0; m < c.M; m++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
    let acc = b[m]!;
    const gi = Math.floor(m / Mg);
    for (let ci = 0; ci < Cg; ci++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
      const ih = oh * sH - pT + kh * dH, iw = ow * sW - pL + kw * dW;
      if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
      acc += (x.data[((n * c.C + gi * Cg + ci) * c.H + ih) * c.W + iw]! - zx) * w[((m * Cg + ci) * kH + kh) * kW + kw]!;
    }
    y[((n * c.M + m) * oH + oh) * oW + ow] = requantize(acc, node.requant![m]!, zy, lo, hi);
  }
  return y;
}

const CASES: Case[] = [
  { name: '3x3 pad 1, M = 8', N: 2, C: 3, H: 9, W: 7, M: 8, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: 'int8' },
  { name: 'stride 2, asymmetric pads, M = 6', N: 1, C: 4, H: 11, W: 10, M: 6, k: [3, 3], attrs: { strides: [2, 2], pads: [0, 1, 2, 0] }, dtype: 'int8' },
  { name: 'dilation 2, 5x3 window', N: 1, C: 2, H: 12, W: 9, M: 5, k: [5, 3], attrs: { dilations: [2, 2], pads: [2, 1, 2, 1] }, dtype: 'int16' },
  { name: 'groups of 3 output channels (blocks split at the group edge)', N: 2, C: 4, H: 6, W: 6, M: 6, k: [3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] }, dtype: 'int8' },
  { name: 'depthwise, stride 2', N: 1, C: 7, H: 8, W: 9, M: 7, k: [3, 3], attrs: { group: 7, strides: [2, 2], pads: [1, 1, 1, 1] }, dtype: 'int16' },
  { name: '1x1, folded clamp', N: 1, C: 9, H: 5, W: 4, M: 13, k: [1, 1], attrs: {}, dtype: 'int8', clamp: [-5, 90] },
];

describe('qconv (fixed-point reference)', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.dtype}) equals the definition`, () => {
      const rand = lcg(CASES.indexOf(c) + 11);
      const [lo, hi] = quantRange(c.dtype), wHi = c.dtype === 'int8' ? 127 : 32767;
      const group = (c.attrs.group as number | undefined) ?? 1, Cg = c.C / group;
      const x: QTensor = { shape: [c.N, c.C, c.H, c.W], data: Int32Array.from({ length: c.N * c.C * c.H * c.W }, () => lo + Math.floor(rand() * (hi - lo + 1))) };
      // a few zero weights (whole blocks are skipped when all four are zero)
      const w = Int32Array.from({ length: c.M * Cg * c.k[0] * c.k[1] }, (_, i) => (i % 7 === 3 ? 0 : Math.round((rand() * 2 - 1) * wHi)));
      const b = Int32Array.from({ length: c.M }, () => Math.round((rand() * 2 - 1) * 2 ** (c.dtype === 'int8' ? 16 : 30)));
      const zx = c.dtype === 'int8' ? 3 : -17, zy = c.dtype === 'int8' ? -2 : 5;
      const node: QNode = {
        name: c.name, op: 'Conv', inputs: ['x'], output: 'y', attrs: { ...c.attrs, kernel_shape: c.k }, from: [],
        weight: { dtype: 'int32', shape: [c.M, Cg, ...c.k], data: w }, bias: { dtype: 'int32', shape: [c.M], data: b },
        requant: Array.from({ length: c.M }, () => quantizeMultiplier(2 ** (-6 - 14 * rand()))),
        ...(c.clamp ? { clamp: c.clamp } : {}),
      };
      const ctx: QKernelCtx = { node, inputs: [{ dtype: c.dtype, quant: tensorParams(0.1, zx) }], output: { dtype: c.dtype, quant: tensorParams(0.2, zy) } };
      const got = QKERNELS.get('Conv')!([x], ctx);
      const [cl, ch] = c.clamp ?? [lo, hi];
      const want = definition(c, x, w, b, node, zx, zy, Math.max(lo, cl), Math.min(hi, ch));
      expect(got.data.length).toBe(want.length);
      expect(got.data).toEqual(want);
      // not a degenerate case: outputs spread over the range, some saturated
      expect(new Set(want).size).toBeGreaterThan(Math.min(20, want.length / 4));
    });
  }
});
