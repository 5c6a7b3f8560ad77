// Contracts of the quantized portable-C backend: the integer model it reads (src/ir/quant-model.ts,
// which src/compress/quant lowers and src/bwdnn/quant runs), what an integer op emitter sees, and
// the C integer types.
import type { QuantDType } from '../../ir/quant.js';
import { quantRange } from '../../ir/quant.js';
import type { Multiplier as QIntMultiplier, QModel as QIntModel, QNode as QIntNode, QValue as QIntValue } from '../../ir/quant-model.js';

export type { QIntMultiplier, QIntModel, QIntNode, QIntValue };

/** The reference's M0 * 2^-n quantization of a real multiplier (bwdnn quantizeMultiplier), handed in by the caller. */
export type MultiplierFn = (real: number) => QIntMultiplier;

export interface QEmitCtx {
  node: QIntNode;
  /** Activation input values (params, dtype) and shapes. */
  input(i: number): QIntValue;
  inShape(i: number): number[];
  output: QIntValue;
  outShape: number[];
  /** C pointer expressions of activation input i / the output. */
  inPtr(i: number): string;
  outPtr: string;
  /** Declare a file-scope const table (weights, biases, multipliers) and return its identifier. */
  table(ctype: string, values: ArrayLike<number | bigint>, note: string): string;
  multiplier: MultiplierFn;
  /** Throw CG_UNSUPPORTED naming the node. */
  fail(msg: string): never;
}

export interface QEmitter {
  /** Output shape from the input shapes (batch bound). */
  shape(node: QIntNode, ins: number[][], fail: (msg: string) => never): number[];
  /** C statements (the caller opens a block). */
  emit(ctx: QEmitCtx): string[];
  /** Output aliases input 0 (Flatten/Reshape): no code, no buffer. */
  alias?: boolean;
}

export const CTYPE: Record<QuantDType, string> = { int8: 'int8_t', uint8: 'uint8_t', int16: 'int16_t' };
export const BYTES: Record<QuantDType, number> = { int8: 1, uint8: 1, int16: 2 };

/** ONNX QuantizeLinear's rounding (half to even), used for constants decided at emit time. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v), d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/** An exact C literal of a double (shortest round-trip form). */
export function dlit(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** A C integer literal that is valid for any int64 value. */
export function ilit(v: number | bigint): string {
  const b = BigInt(v);
  if (b === -(1n << 63n)) return '(-INT64_C(9223372036854775807) - 1)';
  if (b > 2147483647n || b < -2147483648n) return `INT64_C(${b})`;
  return b === -2147483648n ? '(-2147483647 - 1)' : String(b);
}

/** The clamp of a node's output: its folded activation intersected with the dtype range. */
export function outClamp(node: QIntNode, out: QIntValue): [number, number] {
  const [lo, hi] = quantRange(out.dtype);
  const c = node.clamp;
  return c ? [Math.max(lo, c[0]), Math.min(hi, c[1])] : [lo, hi];
}
