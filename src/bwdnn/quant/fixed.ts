// Fixed-point arithmetic of the integer reference, defined to match the BWDSP instructions:
// rounding right shift = the simulator's `rndsh` (round half up, i.e. floor(v/2^n + 1/2)), then
// saturation (sat8/sat16). A real requantization multiplier M is M0 * 2^-n with M0 an int32 in
// [2^30, 2^31) (Q31 mantissa) and n >= 17, applied exactly as y = rndsh(acc * M0, n).
import { BwvmError } from '../../util/errors.js';

/** floor((v + 2^(n-1)) / 2^n): round half up, exact for |v| < 2^53 (the simulator's H.rnd without saturation). */
export function roundShift(v: number, n: number): number {
  if (n === 0) return v;
  return Math.floor((v + 2 ** (n - 1)) / 2 ** n);
}

export const saturate = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Round half to even (ONNX QuantizeLinear's rounding of real inputs). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v), d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

import type { Multiplier } from '../../ir/quant-model.js';

export type { Multiplier };

/** M0 (int32 in [2^30, 2^31)) and n with real ~= M0 * 2^-n; real must be in (0, 2^14). */
export function quantizeMultiplier(real: number): Multiplier {
  if (!(real > 0) || !(real < 2 ** 14)) {
    throw new BwvmError('QUANT_MULTIPLIER', `requantization multiplier ${real} is outside (0, 2^14)`, { hint: 'a scale is zero or the calibration range degenerate; recalibrate with more samples' });
  }
  let e = Math.floor(Math.log2(real)) + 1; // real = f * 2^e, f in [0.5, 1)
  let m0 = Math.round((real / 2 ** e) * 2 ** 31);
  if (m0 < 2 ** 30) { m0 *= 2; e -= 1; }
  if (m0 === 2 ** 31) { m0 = 2 ** 30; e += 1; }
  return { m0, shift: 31 - e };
}

/** The real value a Multiplier stands for. */
export const multiplierValue = (m: Multiplier): number => m.m0 / 2 ** m.shift;

/**
 * rndsh(acc * m0, shift) exactly (BigInt past |acc| >= 2^37): m0 = mh*2^16 + ml, and
 * floor((acc*m0 + 2^(n-1)) / 2^n) = floor((acc*mh + 2^(n-17) + floor(acc*ml / 2^16)) / 2^(n-16)).
 */
export function mulShift(acc: number, m: Multiplier): number {
  const n = m.shift;
  if (n < 17) {
    const p = acc * m.m0;
    if (Math.abs(p) >= 2 ** 53) throw new BwvmError('QUANT_OVERFLOW', `product ${acc} * ${m.m0} is not exact`);
    return roundShift(p, n);
  }
  if (Math.abs(acc) >= 2 ** 37) {
    const r = (BigInt(acc) * BigInt(m.m0) + (1n << BigInt(n - 1))) >> BigInt(n);
    return Number(r);
  }
  const mh = Math.floor(m.m0 / 65536), ml = m.m0 - mh * 65536;
  return Math.floor((acc * mh + 2 ** (n - 17) + Math.floor((acc * ml) / 65536)) / 2 ** (n - 16));
}

/** mulShift for one multiplier with its constants worked out once (the kernels' per-channel loops):
 * the same arithmetic, so the same results. */
export function mulShifter(m: Multiplier): (acc: number) => number {
  const n = m.shift;
  if (n < 17) return (acc) => mulShift(acc, m);
  const mh = Math.floor(m.m0 / 65536), ml = m.m0 - mh * 65536, half = 2 ** (n - 17), div = 2 ** (n - 16), big = 2 ** 37;
  return (acc) => (acc < big && acc > -big ? Math.floor((acc * mh + half + Math.floor((acc * ml) / 65536)) / div) : mulShift(acc, m));
}

/** Requantize an accumulator: saturate(zp + rndsh(acc * M0, n), lo, hi). */
export function requantize(acc: number, m: Multiplier, zp: number, lo: number, hi: number): number {
  return saturate(zp + mulShift(acc, m), lo, hi);
}
