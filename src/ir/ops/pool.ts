// Op rows: pooling (MaxPool with ceil_mode/dilations, AveragePool with count_include_pad,
// GlobalAveragePool, GlobalMaxPool).
import type { OpContext, OpDef } from './schema.js';
import { windowGeometry } from './geometry.js';
import { numel } from '../shape.js';

const poolAttrs = {
  auto_pad: { type: 'string', default: 'NOTSET', oneOf: ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] },
  ceil_mode: { type: 'int', default: 0 },
  kernel_shape: { type: 'ints', required: true },
  pads: { type: 'ints' },
  strides: { type: 'ints' },
} as const;

function poolInfer(ctx: OpContext) {
  const x = ctx.inputs[0]!.shape;
  const k = ctx.attr<number[]>('kernel_shape');
  if (x.length !== k.length + 2) ctx.fail('IR_SHAPE', `input rank ${x.length} does not match kernel_shape [${k}]`);
  const g = windowGeometry(x.slice(2), k, ctx.node.attrs, ctx.node.name, ctx.attr<number>('ceil_mode') === 1);
  const outs = [{ dtype: ctx.inputs[0]!.dtype, shape: [x[0]!, x[1]!, ...g.out] }];
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1]) outs.push({ dtype: 'int64' as const, shape: outs[0]!.shape });
  return outs;
}

const poolFlops = (ctx: OpContext) => numel(ctx.outputs[0]!.shape) * numel(ctx.attr<number[]>('kernel_shape'));

export const MaxPool: OpDef = {
  op: 'MaxPool', fuse: 'pool', inputs: [1, 1], outputs: [1, 2],
  attrs: { ...poolAttrs, dilations: { type: 'ints' }, storage_order: { type: 'int', default: 0 } },
  infer: poolInfer, flops: poolFlops,
};

export const AveragePool: OpDef = {
  op: 'AveragePool', fuse: 'pool', inputs: [1, 1], outputs: [1, 1],
  attrs: { ...poolAttrs, count_include_pad: { type: 'int', default: 0 } },
  infer: poolInfer, flops: poolFlops,
};

function globalPool(op: string): OpDef {
  return {
    op, fuse: 'pool', inputs: [1, 1], outputs: [1, 1], attrs: {},
    infer(ctx) {
      const x = ctx.inputs[0]!.shape;
      if (x.length < 3) ctx.fail('IR_SHAPE', `input rank ${x.length} < 3`);
      return [{ dtype: ctx.inputs[0]!.dtype, shape: [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] }];
    },
    flops: (ctx) => numel(ctx.inputs[0]!.shape),
  };
}

export const POOL_OPS: OpDef[] = [MaxPool, AveragePool, globalPool('GlobalAveragePool'), globalPool('GlobalMaxPool')];
