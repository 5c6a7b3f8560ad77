// qmaxpool and qgap on the simulator, bit-exact against bwDNN's integer MaxPool and
// GlobalAveragePool: int8 and int16, odd planes, 2x2/3x3 windows with strides 1..3, full-range
// values, planes not a multiple of 4, channel counts past the 8-channel loop body, a narrowed clamp, and sums
// past 16 bits (int16 planes, an int8 17x17 plane) through the 32-bit requantization.
import { describe, expect, it } from 'vitest';
import { qgap, qmaxpool } from '../../src/dsplib/q-pool.js';
import { quantizeMultiplier } from '../../src/bwdnn/quant/index.js';
import { diffs, ints, refKernel, runKernel, T } from './q-support.js';

describe('qmaxpool', () => {
  const cases: Array<[8 | 16, number, number, number, number, number]> = [
    [8, 6, 28, 28, 2, 2], [8, 3, 9, 11, 3, 2], [16, 5, 10, 10, 2, 2], [16, 2, 7, 13, 3, 1], [8, 1, 12, 12, 2, 3],
  ];
  for (const [bits, C, H, W, k, s] of cases) {
    it(`int${bits} C=${C} ${H}x${W} k=${k} s=${s}`, () => {
      const [lo, hi] = bits === 8 ? [-128, 127] : [-32768, 32767];
      const x = ints(C * H * W, lo, hi, C * H + W);
      const want = refKernel('MaxPool', bits, [{ shape: [1, C, H, W], data: x, scale: 0.1, zp: 3 }], { scale: 0.1, zp: 3 }, { attrs: { kernel_shape: [k, k], strides: [s, s] } });
      expect(diffs(runKernel(qmaxpool({ C, H, W, k, stride: s, bits }, T), { x }).y, want)).toEqual([]);
    });
  }
});

describe('qgap', () => {
  const cases: Array<[8 | 16, number, number, number, number, number, number, number]> = [
    // bits, C, H, W, sx, sy, zx, zy
    [8, 16, 8, 8, 0.05, 0.04, -128, -100],
    [8, 19, 3, 5, 0.05, 0.01, 10, 0],
    [8, 4, 2, 2, 0.02, 0.03, -5, 7],
    [16, 9, 1, 1, 0.001, 0.0009, 100, -50],
    [16, 6, 4, 4, 0.001, 0.0012, -30000, 200], // sums past 16 bits: the 32-bit requantization
    [16, 3, 8, 8, 0.002, 0.0007, 0, 0],
    [8, 5, 17, 17, 0.05, 0.04, 3, -7],
    [16, 4, 4, 4, 0.002, 0.0004, 100, -3], // multiplier 0.31 (shift 32) on a 32-bit sum
    [16, 4, 2, 4, 0.002, 0.00005, -7, 11], // multiplier 5 (shift 28), saturating
    [8, 2, 18, 18, 0.05, 0.001, 0, 0], // multiplier 0.15
  ];
  for (const [bits, C, H, W, sx, sy, zx, zy] of cases) {
    it(`int${bits} C=${C} ${H}x${W}`, () => {
      const [lo, hi] = bits === 8 ? [-128, 127] : [-32768, 32767];
      const x = ints(C * H * W, lo, hi, C + H * W);
      const want = refKernel('GlobalAveragePool', bits, [{ shape: [1, C, H, W], data: x, scale: sx, zp: zx }], { scale: sy, zp: zy });
      const k = qgap({ C, H, W, bits, zx, zy, m: quantizeMultiplier(sx / (sy * H * W)), lo, hi }, T);
      expect(diffs(runKernel(k, { x }).y, want)).toEqual([]);
    });
  }
  it('int8 with a Relu clamp', () => {
    const x = ints(5 * 16, -128, 127, 4);
    const want = refKernel('GlobalAveragePool', 8, [{ shape: [1, 5, 4, 4], data: x, scale: 0.05, zp: 0 }], { scale: 0.01, zp: 0 }, { clamp: [0, 127] });
    const k = qgap({ C: 5, H: 4, W: 4, bits: 8, zx: 0, zy: 0, m: quantizeMultiplier(0.05 / (0.01 * 16)), lo: 0, hi: 127 }, T);
    expect(diffs(runKernel(k, { x }).y, want)).toEqual([]);
  });
  it('refuses a large plane whose multiplier scales its sum past int32', () => {
    expect(() => qgap({ C: 1, H: 8, W: 8, bits: 16, zx: 0, zy: 0, m: quantizeMultiplier(300), lo: -32768, hi: 32767 }, T)).toThrow(/past int32/);
  });
});
