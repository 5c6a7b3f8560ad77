// Op rows: reductions (ReduceMean/Sum/Max/Min with axes as attribute or, where the opset moved
// it, as input; keepdims) and Split (sizes as attribute < 13, input >= 13; equal split default).
import type { OpContext, OpDef } from './schema.js';
import { normAxis, numel } from '../shape.js';
import type { Dim } from '../types.js';

/** Axes of a reduction: attribute, or input 1 (ReduceSum from 13, the others from 18). */
export function reduceAxes(ctx: OpContext, rank: number): number[] {
  const raw = ctx.node.inputs[1] ? ctx.constNumbers(1) ?? ctx.fail('IR_INPUT', 'axes input is not a constant') : ctx.has('axes') ? ctx.attr<number[]>('axes') : undefined;
  if (!raw || raw.length === 0) {
    if (ctx.has('noop_with_empty_axes') && ctx.attr<number>('noop_with_empty_axes') === 1) return [];
    return Array.from({ length: rank }, (_, i) => i);
  }
  return raw.map((a) => normAxis(a, rank, ctx.node.name));
}

function reduce(op: string): OpDef {
  return {
    op, fuse: 'opaque', inputs: [1, 2], outputs: [1, 1],
    attrs: { axes: { type: 'ints' }, keepdims: { type: 'int', default: 1 }, noop_with_empty_axes: { type: 'int', default: 0 } },
    infer(ctx) {
      const x = ctx.inputs[0]!.shape;
      const axes = reduceAxes(ctx, x.length);
      const keep = ctx.attr<number>('keepdims') === 1;
      const out: Dim[] = [];
      x.forEach((d, i) => { if (!axes.includes(i)) out.push(d); else if (keep) out.push(1); });
      return [{ dtype: ctx.inputs[0]!.dtype, shape: out }];
    },
    flops: (ctx) => numel(ctx.inputs[0]!.shape),
    params: () => 0,
  };
}

/** Sizes of the Split outputs along axis. */
export function splitSizes(ctx: OpContext, dim: Dim): number[] {
  const given = ctx.node.inputs[1] ? ctx.constNumbers(1) ?? ctx.fail('IR_INPUT', 'split input is not a constant') : ctx.has('split') ? ctx.attr<number[]>('split') : undefined;
  const n = ctx.node.outputs.length;
  if (given) {
    if (given.length !== n) ctx.fail('IR_ATTR', `split has ${given.length} sizes for ${n} outputs`);
    if (typeof dim === 'number' && given.reduce((a, b) => a + b, 0) !== dim) ctx.fail('IR_SHAPE', `split sizes [${given}] do not add up to ${dim}`);
    return given;
  }
  if (typeof dim !== 'number') return ctx.fail('IR_SHAPE', 'equal Split of a symbolic dim');
  if (dim % n !== 0) ctx.fail('IR_SHAPE', `cannot split ${dim} into ${n} equal parts`);
  return new Array<number>(n).fill(dim / n);
}

export const Split: OpDef = {
  op: 'Split', fuse: 'opaque', inputs: [1, 2], outputs: [1, 1024], attrs: { axis: { type: 'int', default: 0 }, split: { type: 'ints' }, num_outputs: { type: 'int' } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    const axis = normAxis(ctx.attr<number>('axis'), x.length, ctx.node.name);
    return splitSizes(ctx, x[axis]!).map((s) => ({ dtype: ctx.inputs[0]!.dtype, shape: x.map((d, i) => (i === axis ? s : d)) }));
  },
  params: () => 0,
};

export const REDUCE_OPS: OpDef[] = [reduce('ReduceMean'), reduce('ReduceSum'), reduce('ReduceMax'), reduce('ReduceMin'), Split];
