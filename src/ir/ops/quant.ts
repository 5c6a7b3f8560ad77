// Op rows for quantization: QuantizeLinear (float -> int8/uint8/int16, round half to even, saturate)
// and DequantizeLinear, per-tensor or per-channel along `axis`.
import type { OpContext, OpDef } from './schema.js';
import { normAxis, numel } from '../shape.js';

function checkParams(ctx: OpContext): void {
  const x = ctx.inputs[0]!.shape, s = ctx.inputs[1]!.shape, z = ctx.inputs[2]?.shape;
  if (s.length > 1) ctx.fail('IR_SHAPE', `scale must be a scalar or 1-D, got [${s}]`);
  if (z && (z.length !== s.length || (z.length === 1 && z[0] !== s[0]))) ctx.fail('IR_SHAPE', `zero point [${z}] does not match scale [${s}]`);
  if (s.length === 1 && s[0] !== 1) {
    const axis = normAxis(ctx.attr<number>('axis'), x.length, ctx.node.name);
    if (typeof x[axis] === 'number' && x[axis] !== s[0]) ctx.fail('IR_SHAPE', `per-channel scale has ${s[0]} values but axis ${axis} has ${x[axis]}`);
  }
}

export const QuantizeLinear: OpDef = {
  op: 'QuantizeLinear', fuse: 'elementwise', opsets: [10, Infinity], inputs: [2, 3], outputs: [1, 1], attrs: { axis: { type: 'int', default: 1 } },
  infer(ctx) {
    checkParams(ctx);
    const zdt = ctx.inputs[2]?.dtype ?? 'uint8';
    if (zdt !== 'uint8' && zdt !== 'int8' && zdt !== 'int16') ctx.fail('IR_SHAPE', `zero point dtype ${zdt} must be uint8, int8 or int16 (opset 21)`);
    return [{ dtype: zdt, shape: [...ctx.inputs[0]!.shape] }];
  },
  flops: (ctx) => 2 * numel(ctx.inputs[0]!.shape),
  params: () => 0,
};

export const DequantizeLinear: OpDef = {
  op: 'DequantizeLinear', fuse: 'elementwise', opsets: [10, Infinity], inputs: [2, 3], outputs: [1, 1], attrs: { axis: { type: 'int', default: 1 } },
  infer(ctx) {
    checkParams(ctx);
    return [{ dtype: 'float32', shape: [...ctx.inputs[0]!.shape] }];
  },
  flops: (ctx) => 2 * numel(ctx.inputs[0]!.shape),
  params: () => 0,
};

export const QUANT_OPS: OpDef[] = [QuantizeLinear, DequantizeLinear];
