// Contracts of the quantized portable-C backend: the integer model it reads (structurally the
// QModel that src/compress/quant lowers and src/bwdnn/quant runs; codegen may not import bwdnn,
// so the shape is restated here), what an integer op emitter sees, and the C integer types.
import type { Attrs, QuantParams, Tensor } from '../../ir/types.js';
import type { QuantDType } from '../../ir/quant.js';

export interface QIntMultiplier { m0: number; shift: number }
export interface QIntValue { dtype: QuantDType; quant: QuantParams }
export interface QIntNode {
  name: string; op: string; inputs: string[]; output: string; attrs: Attrs;
  weight?: Tensor; bias?: Tensor; requant?: QIntMultiplier[]; clamp?: [number, number];
}
export interface QIntModel {
  name: string;
  bits: 8 | 16;
  input: { name: string; shape: readonly (number | string)[]; value: QIntValue };
  output: { name: string; value: string };
  values: ReadonlyMap<string, QIntValue>;
  nodes: readonly QIntNode[];
}

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
export const RANGE: Record<QuantDType, [number, number]> = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767] };
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
  const [lo, hi] = RANGE[out.dtype];
  const c = node.clamp;
  return c ? [Math.max(lo, c[0]), Math.min(hi, c[1])] : [lo, hi];
}
