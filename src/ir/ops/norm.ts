// Op rows: normalization (BatchNormalization in inference mode, InstanceNormalization).
import type { OpDef } from './schema.js';
import { numel } from '../shape.js';

export const BatchNormalization: OpDef = {
  op: 'BatchNormalization', fuse: 'norm', inputs: [5, 5], outputs: [1, 5],
  attrs: { epsilon: { type: 'float', default: 1e-5 }, momentum: { type: 'float', default: 0.9 }, training_mode: { type: 'int', default: 0 }, spatial: { type: 'int', default: 1 } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    if (x.length < 2) ctx.fail('IR_SHAPE', `input rank ${x.length} < 2`);
    if (ctx.has('training_mode') && ctx.attr<number>('training_mode') !== 0) ctx.fail('IR_ATTR', 'training_mode=1 is not supported (export the model in eval mode)');
    for (let i = 1; i < 5; i++) {
      const s = ctx.inputs[i]!.shape;
      if (s.length !== 1 || (typeof s[0] === 'number' && typeof x[1] === 'number' && s[0] !== x[1])) ctx.fail('IR_SHAPE', `input ${i} shape [${s}] != [${x[1]}]`);
    }
    return [{ dtype: ctx.inputs[0]!.dtype, shape: [...x] }];
  },
  flops: (ctx) => 2 * numel(ctx.inputs[0]!.shape),
  // scale and bias are trained; running mean/var are statistics, not parameters
  params: (ctx) => numel(ctx.inputs[1]!.shape) + numel(ctx.inputs[2]!.shape),
};

export const InstanceNormalization: OpDef = {
  op: 'InstanceNormalization', fuse: 'norm', inputs: [3, 3], outputs: [1, 1], attrs: { epsilon: { type: 'float', default: 1e-5 } },
  infer: (ctx) => [{ dtype: ctx.inputs[0]!.dtype, shape: [...ctx.inputs[0]!.shape] }],
  flops: (ctx) => 5 * numel(ctx.inputs[0]!.shape),
};

export const NORM_OPS: OpDef[] = [BatchNormalization, InstanceNormalization];
