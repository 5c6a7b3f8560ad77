// The op-table row contract: attribute schema, arity, shape inference, cost model (FLOPs,
// parameters, activation bytes) and fuse class. One file per op family exports rows; the
// table in ops/index.ts lists the families. Adding an op = one row + its test.
import type { AttrValue, DType, Dim, Node, Shape, Tensor, TensorInfo } from '../types.js';

export type AttrType = 'int' | 'float' | 'string' | 'ints' | 'floats' | 'strings' | 'tensor';
export interface AttrSpec {
  type: AttrType;
  default?: AttrValue;
  required?: boolean;
  /** Allowed values (strings or ints), checked by the verifier. */
  oneOf?: readonly (string | number)[];
}

export type FuseClass = 'conv' | 'matmul' | 'norm' | 'elementwise' | 'activation' | 'pool' | 'reshape' | 'opaque';

/** What a row's functions see: the node, its input infos, constants, resolved attributes. */
export interface OpContext {
  node: Node;
  opset: number;
  /** Input infos; undefined for omitted optional inputs ('' names). */
  inputs: (TensorInfo | undefined)[];
  /** Output infos (available to cost functions after inference). */
  outputs: TensorInfo[];
  /** Attribute value with the schema default applied (throws IR_ATTR when required and missing). */
  attr<T extends AttrValue>(name: string): T;
  has(name: string): boolean;
  /** Constant input i (an initializer), if any. */
  constant(i: number): Tensor | undefined;
  /** Constant input i as plain numbers, if it is a constant. */
  constNumbers(i: number): number[] | undefined;
  /**
   * Elements of a small integer input known at inference time: constants, or values propagated
   * symbolically (Shape of a ['N',16,4,4] tensor is ['N',16,4,4]). Undefined when unknown.
   */
  symbolic(i: number): Dim[] | undefined;
  /** Throw IR_SHAPE / IR_ATTR naming the node. */
  fail(code: 'IR_SHAPE' | 'IR_ATTR' | 'IR_INPUT', msg: string): never;
}

export interface OutInfo { dtype: DType; shape: Shape }

export interface OpDef {
  op: string;
  fuse: FuseClass;
  attrs: Record<string, AttrSpec>;
  /** Opsets in which the op exists, when narrower than all ([first, last]). */
  opsets?: [number, number];
  /** [min, max] input count (trailing optional inputs may be omitted). */
  inputs: [number, number];
  outputs: [number, number];
  /** Output dtypes and shapes from inputs + attributes. */
  infer(ctx: OpContext): OutInfo[];
  /** Floating-point operations for one run (a multiply-add counts 2); symbolic dims count 1. Default 0. */
  flops?(ctx: OpContext): number;
  /** Trainable parameter count. Default: elements of float initializer inputs. */
  params?(ctx: OpContext): number;
  /** Bytes of activations this op materializes. Default: the bytes of its outputs. */
  activationBytes?(ctx: OpContext): number;
  /** Symbolic value of the (single, small, integer) output from ctx.symbolic of the inputs. */
  propagate?(ctx: OpContext): Dim[] | undefined;
  /** Values this row can compute at import/inference time (small int tensors: Shape, Gather...). */
  fold?(ctx: OpContext): Tensor[] | undefined;
}
