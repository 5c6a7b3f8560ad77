// What a TF.js graph-model op converter sees: the GraphDef node (name, op, decoded attributes),
// its resolved inputs (constants from the weight manifest or runtime values) and the builder.
import type { Tensor } from '../../../ir/index.js';
import { BwvmError } from '../../../util/errors.js';
import type { GraphBuilder, Value } from '../../keras/builder.js';

export interface GNode { name: string; op: string; input: string[]; attr: Record<string, unknown> }

/** An input: a constant (weights, shapes, axes) or a value computed at run time. */
export type GVal = { kind: 'const'; t: Tensor } | { kind: 'value'; v: Value };

export type OpConverter = (ctx: OpCtx) => GVal[];

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const b64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');

export class OpCtx {
  constructor(readonly b: GraphBuilder, readonly node: GNode, readonly inputs: GVal[]) {}

  fail(code: string, msg: string, hint?: string): never {
    throw new BwvmError(code, `${this.b.file}: node '${this.node.name}' (${this.node.op}): ${msg}`, hint ? { hint } : {});
  }

  /** Runtime input i (fails when it is a constant or missing); 'chw-flat' values re-ordered unless keepFlat. */
  value(i: number, keepFlat = false): Value {
    const g = this.inputs[i];
    if (!g) this.fail('TFJS_GRAPH', `input ${i} is missing`);
    if (g.kind !== 'value') this.fail('TFJS_UNSUPPORTED_OP', `input ${i} is a constant; only computed inputs are supported there`);
    return keepFlat || g.v.layout !== 'chw-flat' ? g.v : this.b.as(g.v, 'nhwc');
  }

  /** Constant input i (weights, axes, shapes). */
  constant(i: number): Tensor {
    const g = this.inputs[i];
    if (!g) this.fail('TFJS_GRAPH', `input ${i} is missing`);
    if (g.kind !== 'const') this.fail('TFJS_UNSUPPORTED_OP', `input ${i} ('${this.node.input[i]}') must be a constant`);
    return g.t;
  }

  constNumbers(i: number): number[] { return Array.from(this.constant(i).data as ArrayLike<number>, Number); }

  private raw(key: string): Record<string, unknown> | undefined {
    const a = this.node.attr[key];
    return isObj(a) ? a : undefined;
  }

  has(key: string): boolean { return this.raw(key) !== undefined; }

  ints(key: string, dflt?: number[]): number[] {
    const a = this.raw(key);
    const l = a && isObj(a.list) ? a.list.i : undefined;
    if (l === undefined) return dflt ?? this.fail('TFJS_GRAPH', `attribute '${key}' is missing`);
    if (!Array.isArray(l) || !l.every((x) => Number.isInteger(Number(x)))) this.fail('TFJS_GRAPH', `attribute '${key}' is not a list of integers`);
    return l.map(Number);
  }

  int(key: string, dflt?: number): number {
    const v = this.raw(key)?.i;
    if (v === undefined) return dflt ?? this.fail('TFJS_GRAPH', `attribute '${key}' is missing`);
    return Number(v);
  }

  float(key: string, dflt: number): number {
    const v = this.raw(key)?.f;
    return v === undefined ? dflt : Number(v);
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw(key)?.b;
    return v === undefined ? dflt : v === true;
  }

  str(key: string, dflt?: string): string {
    const v = this.raw(key)?.s;
    if (v === undefined) return dflt ?? this.fail('TFJS_GRAPH', `attribute '${key}' is missing`);
    return b64(v);
  }

  strs(key: string): string[] {
    const a = this.raw(key);
    const l = a && isObj(a.list) ? a.list.s : undefined;
    return Array.isArray(l) ? l.map(b64) : [];
  }

  /** data_format must be NHWC (the TF.js converter's layout). */
  nhwc(): void {
    const f = this.str('data_format', 'NHWC');
    if (f !== 'NHWC') this.fail('TFJS_UNSUPPORTED_OP', `data_format '${f}' is not supported (only NHWC)`);
  }
}
