// dtype helpers: byte sizes, typed-array constructors, conversions between typed data and numbers.
import type { DType, TypedData } from './types.js';
import { BwvmError } from '../util/errors.js';

export const DTYPES: readonly DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];

const BYTES: Record<DType, number> = { float32: 4, int8: 1, uint8: 1, int16: 2, int32: 4, int64: 8, bool: 1 };

export function dtypeBytes(dt: DType): number {
  const b = BYTES[dt];
  if (b === undefined) throw new BwvmError('IR_DTYPE', `unknown dtype '${String(dt)}'`, { hint: `use one of ${DTYPES.join(', ')}` });
  return b;
}

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && (DTYPES as readonly string[]).includes(s);
}

/** Zero-filled storage of `n` elements for `dt`. */
export function allocData(dt: DType, n: number): TypedData {
  switch (dt) {
    case 'float32': return new Float32Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'int32': return new Int32Array(n);
    case 'int64': return new BigInt64Array(n);
  }
}

/** Storage for `dt` filled from plain numbers. */
export function dataFrom(dt: DType, values: ArrayLike<number | bigint>): TypedData {
  const out = allocData(dt, values.length);
  if (out instanceof BigInt64Array) for (let i = 0; i < values.length; i++) out[i] = BigInt(Math.trunc(Number(values[i])));
  else for (let i = 0; i < values.length; i++) (out as Float32Array)[i] = Number(values[i]);
  return out;
}

/** Elements as plain numbers (int64 converted; fine for shapes/indices). */
export function toNumbers(d: TypedData): number[] {
  const out = new Array<number>(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  return out;
}

/** The dtype a typed array stores (Uint8Array reports 'uint8'). */
export function dtypeOfData(d: TypedData): DType {
  if (d instanceof Float32Array) return 'float32';
  if (d instanceof Int8Array) return 'int8';
  if (d instanceof Uint8Array) return 'uint8';
  if (d instanceof Int16Array) return 'int16';
  if (d instanceof Int32Array) return 'int32';
  return 'int64';
}

/** The Float32Array of a float32 tensor (IR_DTYPE otherwise): saves casts in float-only code. */
export function floatData(t: { dtype: DType; data: TypedData }, what = 'tensor'): Float32Array {
  if (t.dtype !== 'float32' || !(t.data instanceof Float32Array)) throw new BwvmError('IR_DTYPE', `${what} is ${t.dtype}, expected float32`);
  return t.data;
}
