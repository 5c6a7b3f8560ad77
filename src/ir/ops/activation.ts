// Op rows: pointwise activations (Relu, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish,
// Clip/Relu6 with attribute or input bounds) and Softmax (opset<13 2-D coercion vs >=13 axis).
import type { OpDef, OpContext } from './schema.js';
import type { AttrSpec } from './schema.js';
import { numel } from '../shape.js';

const same = (ctx: OpContext) => [{ dtype: ctx.inputs[0]!.dtype, shape: [...ctx.inputs[0]!.shape] }];

function act(op: string, perElem: number, attrs: Record<string, AttrSpec> = {}): OpDef {
  return { op, fuse: 'activation', inputs: [1, 1], outputs: [1, 1], attrs, infer: same, flops: (ctx) => perElem * numel(ctx.inputs[0]!.shape) };
}

export const Clip: OpDef = {
  op: 'Clip', fuse: 'activation', inputs: [1, 3], outputs: [1, 1],
  attrs: { min: { type: 'float' }, max: { type: 'float' } },
  infer(ctx) {
    for (const i of [1, 2]) {
      const t = ctx.inputs[i];
      if (t && numel(t.shape) !== 1) ctx.fail('IR_SHAPE', `Clip bound input ${i} must be a scalar, got [${t.shape}]`);
    }
    return same(ctx);
  },
  flops: (ctx) => 2 * numel(ctx.inputs[0]!.shape),
  params: () => 0,
};

export const Softmax: OpDef = {
  op: 'Softmax', fuse: 'opaque', inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int' } },
  infer(ctx) {
    const r = ctx.inputs[0]!.shape.length;
    const axis = softmaxAxis(ctx.has('axis') ? ctx.attr<number>('axis') : undefined, ctx.opset);
    if (axis < -r || axis >= Math.max(r, 1)) ctx.fail('IR_ATTR', `axis ${axis} out of range for rank ${r}`);
    return same(ctx);
  },
  flops: (ctx) => 5 * numel(ctx.inputs[0]!.shape),
};

/** Softmax axis default: 1 before opset 13 (with 2-D coercion), -1 from 13 on. */
export const softmaxAxis = (axis: number | undefined, opset: number): number => axis ?? (opset >= 13 ? -1 : 1);

export const ACTIVATION_OPS: OpDef[] = [
  act('Relu', 1),
  act('LeakyRelu', 2, { alpha: { type: 'float', default: 0.01 } }),
  act('Sigmoid', 4),
  act('Tanh', 4),
  act('HardSigmoid', 3, { alpha: { type: 'float', default: 0.2 }, beta: { type: 'float', default: 0.5 } }),
  { ...act('HardSwish', 4), opsets: [14, Infinity] },
  act('Elu', 3, { alpha: { type: 'float', default: 1 } }),
  Clip,
  Softmax,
];
