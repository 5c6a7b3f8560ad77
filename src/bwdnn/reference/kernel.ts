// Kernel contract for the reference executor: a kernel gets the node's runtime input tensors and
// a context (attributes with defaults, the op row's inferred output shapes, an allocator) and
// returns its output tensors. Every runtime input counts as a constant for the op row.
import type { AttrValue, DType, Node, Tensor, TensorInfo } from '../../ir/types.js';
import type { OpContext, OpDef } from '../../ir/ops/schema.js';
import { toNumbers } from '../../ir/dtype.js';
import { BwvmError } from '../../util/errors.js';

export interface KernelCtx extends OpContext {
  /** Output shapes/dtypes from the op row (concrete at run time). */
  out(i: number): { dtype: DType; shape: number[] };
  /** A zeroed output tensor from the executor's buffer pool. */
  alloc(dtype: DType, shape: number[]): Tensor;
  /** An output tensor with unspecified contents, for kernels that write every element
   * (skips clearing a reused buffer); executors without one fall back to alloc. */
  allocUninit?(dtype: DType, shape: number[]): Tensor;
}

export type Kernel = (x: (Tensor | undefined)[], ctx: KernelCtx) => Tensor[];

export function kernelContext(node: Node, def: OpDef, opset: number, x: (Tensor | undefined)[], alloc: KernelCtx['alloc'],
  allocUninit?: KernelCtx['alloc']): KernelCtx {
  const fail = (code: string, msg: string): never => {
    throw new BwvmError(code, `node '${node.name}' (${node.op}): ${msg}`, { details: { node: node.name, op: node.op } });
  };
  const inputs: (TensorInfo | undefined)[] = x.map((t, i) => (t ? { name: node.inputs[i]!, dtype: t.dtype, shape: t.shape } : undefined));
  let outs: { dtype: DType; shape: number[] }[] | undefined;
  const ctx: KernelCtx = {
    node, opset, inputs, outputs: [],
    attr<T extends AttrValue>(name: string): T {
      const v = node.attrs[name];
      if (v !== undefined) return v as T;
      const d = def.attrs[name]?.default;
      if (d !== undefined) return d as T;
      return fail('IR_ATTR', `missing attribute '${name}'`);
    },
    has: (name) => node.attrs[name] !== undefined,
    constant: (i) => x[i],
    constNumbers: (i) => (x[i] ? toNumbers(x[i]!.data) : undefined),
    symbolic: (i) => (x[i] ? toNumbers(x[i]!.data) : undefined),
    fail: fail as OpContext['fail'],
    out(i) {
      outs ??= def.infer(ctx).map((o) => {
        if (!o.shape.every((d) => typeof d === 'number')) fail('IR_SHAPE', `output shape [${o.shape}] is not concrete at run time`);
        return { dtype: o.dtype, shape: o.shape as number[] };
      });
      return outs[i] ?? fail('IR_SHAPE', `no output ${i}`);
    },
    alloc,
    ...(allocUninit ? { allocUninit } : {}),
  };
  return ctx;
}

/** Allocate output i with the row-inferred shape. */
export const allocOut = (ctx: KernelCtx, i = 0): Tensor => { const o = ctx.out(i); return ctx.alloc(o.dtype, o.shape); };

/** Output i with unspecified contents: only for kernels that write all of it. */
export const allocOutUninit = (ctx: KernelCtx, i = 0): Tensor => {
  const o = ctx.out(i);
  return (ctx.allocUninit ?? ctx.alloc)(o.dtype, o.shape);
};

/** Read element i as a number (int64 included). */
export const getN = (t: Tensor, i: number): number => Number(t.data[i]!);

/** Write a number into element i, respecting integer dtypes. */
export function setN(t: Tensor, i: number, v: number): void {
  if (t.data instanceof BigInt64Array) t.data[i] = BigInt(Math.trunc(v));
  else if (t.dtype === 'bool') (t.data as Uint8Array)[i] = v ? 1 : 0;
  else (t.data as Float32Array)[i] = t.dtype === 'float32' ? v : Math.trunc(v);
}
