// Op rows: binary arithmetic with numpy broadcasting (Add, Sub, Mul, Div, Max, Min, Pow) and
// unary math (Neg, Sqrt, Exp, Abs) used by exported models.
import type { OpDef } from './schema.js';
import { broadcastShapes, numel } from '../shape.js';

function binary(op: string, variadic = false): OpDef {
  return {
    op, fuse: 'elementwise', inputs: [variadic ? 1 : 2, variadic ? 64 : 2], outputs: [1, 1], attrs: {},
    infer(ctx) {
      const ins = ctx.inputs.map((t, i) => t ?? ctx.fail('IR_INPUT', `input ${i} missing`));
      const dt = ins[0]!.dtype;
      const bad = ins.find((t) => t.dtype !== dt);
      if (bad) ctx.fail('IR_SHAPE', `dtype mismatch: ${dt} vs ${bad.dtype} ('${bad.name}')`);
      return [{ dtype: dt, shape: broadcastShapes(ins.map((t) => t.shape), ctx.node.name) }];
    },
    flops: (ctx) => Math.max(1, ctx.inputs.length - 1) * numel(ctx.outputs[0]!.shape),
  };
}

function unary(op: string): OpDef {
  return {
    op, fuse: 'elementwise', inputs: [1, 1], outputs: [1, 1], attrs: {},
    infer: (ctx) => [{ dtype: ctx.inputs[0]!.dtype, shape: [...ctx.inputs[0]!.shape] }],
    flops: (ctx) => numel(ctx.inputs[0]!.shape),
  };
}

export const ELEMENTWISE_OPS: OpDef[] = [
  binary('Add'), binary('Sub'), binary('Mul'), binary('Div'), binary('Pow'),
  binary('Max', true), binary('Min', true), binary('Sum', true),
  unary('Neg'), unary('Sqrt'), unary('Exp'), unary('Abs'), unary('Reciprocal'),
];
