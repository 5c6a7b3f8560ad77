// The gradient-kernel contract: for one node, given its forward inputs and outputs and the
// gradient of the loss with respect to its first output, return the gradients of its inputs.
// Each op's row also says which inputs are trainable parameters when they are initializers.
import type { AttrValue, Node, Tensor } from '../../ir/types.js';
import { requireOp } from '../../ir/ops/index.js';
import { BwvmError } from '../../util/errors.js';
import type { BufferPool } from '../memory/pool.js';

export interface GradCtx {
  node: Node;
  opset: number;
  /** Forward inputs (undefined for omitted optional inputs). */
  x: (Tensor | undefined)[];
  /** Forward outputs. */
  y: Tensor[];
  /** dLoss/dOutput0, same length as y[0]. A row may return dy itself as one input's gradient
   * (a pass-through, no copy); backward then hands the buffer on. It must not write into dy. */
  dy: Float32Array;
  /** need[i]: whether input i's gradient is wanted (skip work otherwise). */
  need: boolean[];
  /** Attribute with the op table's default. */
  attr<T extends AttrValue>(name: string): T;
  /** Forward-pass cache of this node (e.g. batch statistics of BN in training mode). */
  cache?: unknown;
  /** A zeroed gradient buffer of n floats (from the step's buffer pool when there is one). */
  alloc(n: number): Float32Array;
  /** A gradient buffer of n floats with unspecified contents, for kernels that write all of it. */
  allocUninit(n: number): Float32Array;
}

export type GradKernel = (c: GradCtx) => (Float32Array | undefined)[];

export interface GradRow {
  /** Input slots that are trainable parameters when fed by an initializer. */
  trainable: number[];
  grad: GradKernel;
}

export function gradContext(node: Node, opset: number, x: (Tensor | undefined)[], y: Tensor[], dy: Float32Array, need: boolean[], cache?: unknown,
  pool?: BufferPool): GradCtx {
  const def = requireOp(node.op, node.name);
  return {
    node, opset, x, y, dy, need, cache,
    alloc: (n) => (pool ? (pool.alloc('float32', n) as Float32Array) : new Float32Array(n)),
    allocUninit: (n) => (pool ? (pool.allocUninit('float32', n) as Float32Array) : new Float32Array(n)),
    attr<T extends AttrValue>(name: string): T {
      const v = node.attrs[name] ?? def.attrs[name]?.default;
      if (v === undefined) throw new BwvmError('IR_ATTR', `node '${node.name}' (${node.op}): missing attribute '${name}'`);
      return v as T;
    },
  };
}

export const f32 = (t: Tensor): Float32Array => t.data as Float32Array;
export const zeros = (t: Tensor): Float32Array => new Float32Array(t.data.length);
