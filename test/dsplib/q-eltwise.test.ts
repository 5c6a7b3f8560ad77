// qclamp and qadd on the simulator, bit-exact against bwDNN's integer Relu/Clip and Add: int8 and
// int16, lengths not a multiple of 4 or of the loop chunk, multipliers on both sides of 1 (with
// shifts 17..47), saturating sums, a narrowed output clamp, and errors for out-of-range params.
import { describe, expect, it } from 'vitest';
import { qadd, qclamp } from '../../src/dsplib/q-eltwise.js';
import { quantizeMultiplier } from '../../src/bwdnn/quant/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { diffs, ints, refKernel, runKernel, T } from './q-support.js';

describe('qclamp', () => {
  for (const [bits, n, lo, hi] of [[8, 37, -5, 90], [8, 300, -128, 0], [16, 133, -20000, 1234], [16, 5, 7, 7]] as const) {
    it(`int${bits} n=${n} [${lo}, ${hi}]`, () => {
      const [a, b] = bits === 8 ? [-128, 127] : [-32768, 32767];
      const x = ints(n, a, b, n + lo);
      const got = runKernel(qclamp({ n, bits, lo, hi }, T), { x }).y;
      const want = x.map((v) => Math.min(hi, Math.max(lo, v)));
      expect(diffs(got, want)).toEqual([]);
    });
  }
  it('matches the reference Clip kernel', () => {
    const x = ints(50, -128, 127, 3);
    const want = refKernel('Clip', 8, [{ shape: [1, 50], data: x, scale: 0.05, zp: -10 }], { scale: 0.05, zp: -10 }, { attrs: { min: 0, max: 3 } });
    const got = runKernel(qclamp({ n: 50, bits: 8, lo: -10, hi: -10 + 60 }, T), { x }).y;
    expect(diffs(got, want)).toEqual([]);
  });
  it('refuses bounds outside the range', () => {
    expect(() => qclamp({ n: 4, bits: 8, lo: -200, hi: 3 }, T)).toThrow(BwvmError);
  });
});

describe('qadd', () => {
  const cases: Array<[string, 8 | 16, number, number, number, number]> = [
    // name, bits, n, sa, sb, sy
    ['int8 rescale both ways', 8, 77, 0.031, 0.047, 0.05],
    ['int8 tiny multipliers', 8, 129, 0.0001, 0.00031, 0.05],
    ['int8 large multipliers (saturating)', 8, 9, 0.9, 0.7, 0.01],
    ['int16 rescale', 16, 203, 0.0011, 0.0007, 0.0013],
    ['int16 near 1', 16, 64, 0.001, 0.000999999, 0.001],
  ];
  for (const [name, bits, n, sa, sb, sy] of cases) {
    it(name, () => {
      const [a0, b0] = bits === 8 ? [-128, 127] : [-32768, 32767];
      const xa = ints(n, a0, b0, n), xb = ints(n, a0, b0, n + 1);
      const za = bits === 8 ? -7 : -300, zb = bits === 8 ? 12 : 250, zy = bits === 8 ? -3 : 17;
      const want = refKernel('Add', bits, [{ shape: [1, n], data: xa, scale: sa, zp: za }, { shape: [1, n], data: xb, scale: sb, zp: zb }], { scale: sy, zp: zy });
      const k = qadd({ n, bits, za, zb, zy, ma: quantizeMultiplier(sa / sy), mb: quantizeMultiplier(sb / sy), lo: a0, hi: b0 }, T);
      expect(diffs(runKernel(k, { x: xa, x2: xb }).y, want)).toEqual([]);
    });
  }
  it('int8 with a folded Relu clamp', () => {
    const n = 41, xa = ints(n, -128, 127, 9), xb = ints(n, -128, 127, 10);
    const want = refKernel('Add', 8, [{ shape: [1, n], data: xa, scale: 0.02, zp: 5 }, { shape: [1, n], data: xb, scale: 0.03, zp: -5 }], { scale: 0.04, zp: 2 }, { clamp: [2, 127] });
    const k = qadd({ n, bits: 8, za: 5, zb: -5, zy: 2, ma: quantizeMultiplier(0.5), mb: quantizeMultiplier(0.75), lo: 2, hi: 127 }, T);
    expect(diffs(runKernel(k, { x: xa, x2: xb }).y, want)).toEqual([]);
  });
  it('a wrong multiplier is caught by the comparison', () => {
    const n = 16, xa = ints(n, -128, 127, 1), xb = ints(n, -128, 127, 2);
    const want = refKernel('Add', 8, [{ shape: [1, n], data: xa, scale: 0.02, zp: 0 }, { shape: [1, n], data: xb, scale: 0.03, zp: 0 }], { scale: 0.04, zp: 0 });
    const k = qadd({ n, bits: 8, za: 0, zb: 0, zy: 0, ma: quantizeMultiplier(0.5), mb: quantizeMultiplier(0.76), lo: -128, hi: 127 }, T);
    expect(diffs(runKernel(k, { x: xa, x2: xb }).y, want).length).toBeGreaterThan(0);
  });
  it('refuses shifts outside 17..47', () => {
    expect(() => qadd({ n: 4, bits: 8, za: 0, zb: 0, zy: 0, ma: { m0: 2 ** 30, shift: 60 }, mb: quantizeMultiplier(0.5), lo: -128, hi: 127 }, T)).toThrow(/17\.\.47/);
  });
});
