// Fixed-point primitives vs the BWDSP simulator's own instructions: roundShift + saturate give
// exactly what `rndsh` + `sat8`/`sat16` compute on accumulator pairs; mulShift equals the exact
// BigInt product-and-round; quantizeMultiplier's M0 * 2^-n is within 2^-31 relative of M.
import { expect, test } from 'vitest';
import { assemble } from '../../../src/isa/index.js';
import { Simulator } from '../../../src/sim/index.js';
import { getTarget } from '../../../src/target/index.js';
import { mulShift, mulShifter, quantizeMultiplier, multiplierValue, requantize, roundShift, saturate, roundHalfEven } from '../../../src/bwdnn/quant/index.js';

const T = getTarget('bwdsp104x');

/** Run rndsh by n then sat8 and sat16 on four accumulators (one per macro) in the simulator. */
function simRound(accs: number[], n: number): { rnd: number[]; s8: number[]; s16: number[] } {
  const sim = new Simulator(assemble(`
    .data
    lo: .space 4
    hi: .space 4
    out: .space 12
    .text
      u0 = lo || v0 = hi || w0 = out
      xyzt r10 = [u0+=4,1] || xyzt r11 = [v0+=4,1]
      xyzt r20 = rnd r10:p >> ${n}
      xyzt r21 = sat8 r20 || xyzt r22 = sat16 r20
      [w0+=4,1] = xyzt r20
      [w0+=4,1] = xyzt r21
      [w0+=4,1] = xyzt r22
      halt`, { limits: T }), T);
  sim.setInput('lo', Int32Array.from(accs, (a) => Number(BigInt.asIntN(32, BigInt(a)))));
  sim.setInput('hi', Int32Array.from(accs, (a) => Number(BigInt(a) >> 32n)));
  sim.runSync();
  const out = Array.from(sim.readInt32('out'));
  return { rnd: out.slice(0, 4), s8: out.slice(4, 8), s16: out.slice(8, 12) };
}

test('roundShift + saturate match the simulator rndsh/sat8/sat16 bit for bit (ties, negatives, 48-bit values)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const n of [0, 1, 4, 7, 15, 20, 31]) {
    const accs = [2 ** (n || 1) * 3 + 2 ** Math.max(0, n - 1), -(2 ** (n || 1)) * 5 - 2 ** Math.max(0, n - 1), Math.floor((rand() - 0.5) * 2 ** 47), Math.floor((rand() - 0.5) * 2 ** 24)];
    const s = simRound(accs, n);
    accs.forEach((a, k) => {
      const r = saturate(roundShift(a, n), -2147483648, 2147483647);
      expect(s.rnd[k], `acc ${a} >> ${n}`).toBe(r);
      expect(s.s8[k]).toBe(saturate(r, -128, 127));
      expect(s.s16[k]).toBe(saturate(r, -32768, 32767));
    });
  }
});

test('round half up at ties: 5 >> 1 = 3, -5 >> 1 = -2 (not half away from zero)', () => {
  expect(roundShift(5, 1)).toBe(3);
  expect(roundShift(-5, 1)).toBe(-2);
  expect(roundShift(-6, 2)).toBe(-1);
  expect(roundHalfEven(2.5)).toBe(2);
  expect(roundHalfEven(-3.5)).toBe(-4);
});

test('mulShift equals the exact BigInt rndsh(acc * M0, n), across the split and BigInt paths', () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 2000; i++) {
    const m = quantizeMultiplier(2 ** ((rand() - 0.8) * 20));
    const acc = Math.floor((rand() - 0.5) * 2 ** (i % 3 === 0 ? 45 : 30));
    const exact = Number((BigInt(acc) * BigInt(m.m0) + (1n << BigInt(m.shift - 1))) >> BigInt(m.shift));
    expect(mulShift(acc, m), `acc ${acc} m0 ${m.m0} n ${m.shift}`).toBe(exact);
    expect(mulShifter(m)(acc), `mulShifter: acc ${acc} m0 ${m.m0} n ${m.shift}`).toBe(exact);
  }
});

test('quantizeMultiplier: M0 in [2^30, 2^31), relative error below 2^-30; bad multipliers refused', () => {
  for (const r of [1e-6, 0.0123, 0.5, 0.999999999, 1, 3.7, 1000]) {
    const m = quantizeMultiplier(r);
    expect(m.m0).toBeGreaterThanOrEqual(2 ** 30);
    expect(m.m0).toBeLessThan(2 ** 31);
    expect(Math.abs(multiplierValue(m) - r) / r).toBeLessThan(2 ** -30);
  }
  expect(() => quantizeMultiplier(0)).toThrow(/QUANT|outside/);
  expect(requantize(1000, quantizeMultiplier(0.01), -5, -128, 127)).toBe(5);
  expect(requantize(100000, quantizeMultiplier(0.01), 0, -128, 127)).toBe(127);
});
