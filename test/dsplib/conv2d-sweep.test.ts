// conv2d on-chip kernels over a second sweep: batches (N > 1, the code repeated per image),
// 5x5 and 7x7 windows, stride 2, paddings 0..3, odd sizes, channel counts not multiples of 4 and
// rows wide enough for one input stream per row;
// each against the reference Conv (max relative error <= 1e-5).
import { describe, expect, it } from 'vitest';
import { conv2d, type Conv2dShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { convData, convReference, runConv } from './conv2d-check.js';
import { relError } from './harness.js';

const T = getTarget('bwdsp104x');

const SWEEP: Array<[string, Conv2dShape]> = [
  ['batch 3, 3x3 pad 1', { N: 3, C: 3, H: 7, W: 9, M: 5, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['batch 2, 1x1 no copies', { N: 2, C: 5, H: 4, W: 8, M: 6, kH: 1, kW: 1, stride: 1, pad: 0 }],
  ['batch 2, 5x5 stride 2 pad 3', { N: 2, C: 3, H: 11, W: 10, M: 6, kH: 5, kW: 5, stride: 2, pad: 3 }],
  ['5x5 pad 1', { C: 5, H: 9, W: 13, M: 7, kH: 5, kW: 5, stride: 1, pad: 1 }],
  ['5x5 pad 3', { C: 2, H: 6, W: 7, M: 10, kH: 5, kW: 5, stride: 1, pad: 3 }],
  ['5x5 stride 2 pad 0', { C: 6, H: 13, W: 11, M: 5, kH: 5, kW: 5, stride: 2, pad: 0 }],
  ['7x7 pad 3', { C: 3, H: 10, W: 9, M: 6, kH: 7, kW: 7, stride: 1, pad: 3 }],
  ['7x7 stride 2 pad 3 (stem)', { C: 3, H: 17, W: 15, M: 9, kH: 7, kW: 7, stride: 2, pad: 3 }],
  ['7x7 stride 2 pad 1', { C: 5, H: 12, W: 14, M: 3, kH: 7, kW: 7, stride: 2, pad: 1 }],
  ['3x3 stride 2 pad 0 odd', { C: 7, H: 9, W: 13, M: 11, kH: 3, kW: 3, stride: 2, pad: 0 }],
  ['3x3 stride 2 pad 2', { C: 6, H: 8, W: 10, M: 9, kH: 3, kW: 3, stride: 2, pad: 2 }],
  ['wide rows (row step > 31: one input stream per row)', { C: 3, H: 6, W: 50, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['wide rows, stride 2, 5x5', { C: 2, H: 9, W: 45, M: 5, kH: 5, kW: 5, stride: 2, pad: 2 }],
  ['1x1 stride 2 pad 1', { C: 9, H: 7, W: 7, M: 13, kH: 1, kW: 1, stride: 2, pad: 1 }],
];

describe('conv2d sweep vs reference Conv', () => {
  for (const [name, sh] of SWEEP) {
    it(name, () => {
      const d = convData(sh);
      const k = conv2d(sh, T);
      const { outs } = runConv(k, T, d);
      expect(relError(outs.y!, convReference(sh, d))).toBeLessThanOrEqual(1e-5);
      expect(k.params.N).toBe(sh.N ?? 1);
      expect(k.flops).toBe((sh.N ?? 1) * 2 * sh.M * sh.C * sh.kH * sh.kW * k.outputs[0]!.shape[2]! * k.outputs[0]!.shape[3]!);
    });
  }
  it('a batch kernel computes every image (image 1 differs from image 0 and matches)', () => {
    const sh: Conv2dShape = { N: 2, C: 4, H: 6, W: 6, M: 4, kH: 3, kW: 3, stride: 1, pad: 1 };
    const d = convData(sh, 5);
    const { outs } = runConv(conv2d(sh, T), T, d);
    const ref = convReference(sh, d), half = ref.length / 2;
    expect(relError(outs.y!.subarray(half), ref.subarray(half))).toBeLessThanOrEqual(1e-5);
    expect(relError(ref.subarray(half), ref.subarray(0, half))).toBeGreaterThan(1e-2);
  });
});
