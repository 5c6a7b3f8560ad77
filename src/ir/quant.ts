// Quantized tensor types: the integer dtypes a quantized value may have, their ranges, and
// affine QuantParams (real = scale * (q - zeroPoint)) chosen from a real range, per tensor or
// per channel, symmetric (zero point 0) or asymmetric.
import type { DType, QuantParams } from './types.js';
import { BwvmError } from '../util/errors.js';

export type QuantDType = 'int8' | 'uint8' | 'int16';
export const QUANT_DTYPES: readonly QuantDType[] = ['int8', 'uint8', 'int16'];

export function isQuantDType(d: DType | string): d is QuantDType {
  return (QUANT_DTYPES as readonly string[]).includes(d);
}

/** The signed integer dtype of a bit width (8 -> int8, 16 -> int16). */
export function quantDTypeOfBits(bits: number): 'int8' | 'int16' {
  if (bits === 8) return 'int8';
  if (bits === 16) return 'int16';
  throw new BwvmError('QUANT_BITS', `unsupported bit width ${bits}`, { hint: 'use --bits 8 or --bits 16' });
}

/** [lo, hi] of a quantized dtype. */
export function quantRange(dt: QuantDType): [number, number] {
  return dt === 'int8' ? [-128, 127] : dt === 'uint8' ? [0, 255] : [-32768, 32767];
}

/**
 * Params mapping the real range [min, max] (widened to contain 0) onto dt. Symmetric: zero point
 * 0 and scale max|x| / hi, so -x and x are both exact (int8 then uses -127..127 of -128..127).
 */
export function paramsForRange(min: number, max: number, dt: QuantDType, symmetric: boolean): { scale: number; zeroPoint: number } {
  const [lo, hi] = quantRange(dt);
  min = Math.min(min, 0);
  max = Math.max(max, 0);
  if (symmetric) {
    const a = Math.max(-min, max);
    return { scale: a > 0 ? a / hi : 1, zeroPoint: 0 };
  }
  const scale = max - min > 0 ? (max - min) / (hi - lo) : 1;
  const zp = Math.round(lo - min / scale);
  return { scale, zeroPoint: Math.min(hi, Math.max(lo, zp)) };
}

/** Per-tensor QuantParams. */
export function tensorParams(scale: number, zeroPoint: number): QuantParams {
  return { scale: [scale], zeroPoint: [zeroPoint] };
}

/** Scale/zero point of channel c (per-tensor params broadcast). */
export function paramAt(q: QuantParams, c: number): { scale: number; zeroPoint: number } {
  const i = q.scale.length === 1 ? 0 : c;
  return { scale: q.scale[i]!, zeroPoint: q.zeroPoint[i]! };
}
