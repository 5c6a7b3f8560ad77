// Contracts of the portable-C backend: what an op emitter sees (CEmitCtx: shapes, C pointer
// expressions for inputs/outputs/weights, resolved attributes, the fused epilogue) and the
// emitter row itself. Emitters return C statements; the model writer wraps them in a block.
import type { Node } from '../../ir/types.js';
import type { OpContext } from '../../ir/ops/index.js';

/** Statements applied to the float `v` of one output element whose channel index is `ch`. */
export type Epilogue = (v: string, ch: string) => string[];

export interface CEmitCtx {
  node: Node;
  /** Resolved attributes (schema defaults applied), constants of inputs. */
  op: OpContext;
  inShape(i: number): number[];
  outShape(i?: number): number[];
  /** C expression (const float*) of activation or weight input i. */
  input(i: number): string;
  /** C expression (float*) of output i. */
  output(i?: number): string;
  /** Constant input i as numbers (shapes, pads, scales, clip bounds), or undefined. */
  constNumbers(i: number): number[] | undefined;
  /** Fused per-element epilogue (bias/activation) of an anchor op; identity when nothing is fused. */
  epilogue: Epilogue;
  /** Declare a file-scope `static const int` table (index maps) and return its identifier. */
  intTable(values: ArrayLike<number>): string;
  /** Throw CG_UNSUPPORTED naming the node. */
  fail(msg: string): never;
}

export interface CEmitter {
  /** C statements computing the node's outputs (declare locals inside; the caller opens a block). */
  emit(ctx: CEmitCtx): string[];
  /** Output aliases input 0 (Reshape/Flatten...): no code, no buffer. */
  alias?: boolean;
  /** Writes every output (Split); otherwise only output 0 may be used. */
  multiOutput?: boolean;
  /** Output channel axis for a fused epilogue (Conv: 1, Gemm/MatMul: last) — anchors only. */
  anchorAxis?: 'channel' | 'last';
}

/** Math headers an emitter relies on are always included; keep literals exact float32. */
export function flit(v: number): string {
  if (Number.isNaN(v)) return 'NAN';
  if (v === Infinity) return 'INFINITY';
  if (v === -Infinity) return '-INFINITY';
  const f = Math.fround(v);
  if (Number.isInteger(f) && Math.abs(f) < 1e7) return `${f}.0f`;
  return `${f.toPrecision(9)}f`;
}

/** "for (int i = 0; i < n; i++)" */
export const loop = (i: string, n: number | string): string => `for (int ${i} = 0; ${i} < ${n}; ${i}++)`;
export const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
