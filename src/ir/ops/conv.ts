// Op rows: convolutions (Conv with groups/depthwise/dilation/stride/auto_pad, ConvTranspose
// with output_padding/output_shape/groups).
import type { OpContext, OpDef } from './schema.js';
import { convTransposeGeometry, windowGeometry } from './geometry.js';
import { numel } from '../shape.js';
import type { Dim } from '../types.js';

const windowAttrs = {
  auto_pad: { type: 'string', default: 'NOTSET', oneOf: ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] },
  dilations: { type: 'ints' },
  group: { type: 'int', default: 1 },
  kernel_shape: { type: 'ints' },
  pads: { type: 'ints' },
  strides: { type: 'ints' },
} as const;

function convCheck(ctx: OpContext): { x: Dim[]; w: Dim[]; group: number } {
  const x = ctx.inputs[0]!.shape, w = ctx.inputs[1]!.shape;
  const group = ctx.attr<number>('group');
  if (x.length < 3) ctx.fail('IR_SHAPE', `input rank ${x.length} < 3 (expected N,C,spatial...)`);
  if (w.length !== x.length) ctx.fail('IR_SHAPE', `weight rank ${w.length} != input rank ${x.length}`);
  if (!(group >= 1)) ctx.fail('IR_ATTR', `group ${group} must be >= 1`);
  const ks = ctx.has('kernel_shape') ? ctx.attr<number[]>('kernel_shape') : undefined;
  if (ks && ks.some((k, i) => typeof w[i + 2] === 'number' && w[i + 2] !== k)) ctx.fail('IR_ATTR', `kernel_shape [${ks}] does not match weight [${w}]`);
  return { x, w, group };
}

const kernelOf = (w: Dim[]) => w.slice(2).map((d) => (typeof d === 'number' ? d : 1));

export const Conv: OpDef = {
  op: 'Conv', fuse: 'conv', inputs: [2, 3], outputs: [1, 1], attrs: { ...windowAttrs },
  infer(ctx) {
    const { x, w, group } = convCheck(ctx);
    const c = x[1]!, m = w[0]!, cg = w[1]!;
    if (typeof c === 'number' && typeof cg === 'number' && c !== cg * group) ctx.fail('IR_SHAPE', `input has ${c} channels but weight expects ${cg} x group ${group}`);
    if (typeof m === 'number' && m % group !== 0) ctx.fail('IR_SHAPE', `output channels ${m} not divisible by group ${group}`);
    const b = ctx.inputs[2];
    if (b && (b.shape.length !== 1 || (typeof b.shape[0] === 'number' && typeof m === 'number' && b.shape[0] !== m))) ctx.fail('IR_SHAPE', `bias shape [${b.shape}] != [${m}]`);
    const g = windowGeometry(x.slice(2), kernelOf(w), ctx.node.attrs, ctx.node.name);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: [x[0]!, m, ...g.out] }];
  },
  flops(ctx) {
    const w = ctx.inputs[1]!.shape;
    const out = numel(ctx.outputs[0]!.shape);
    const macs = out * numel(w.slice(1));
    return 2 * macs + (ctx.inputs[2] ? out : 0);
  },
};

export const ConvTranspose: OpDef = {
  op: 'ConvTranspose', fuse: 'conv', inputs: [2, 3], outputs: [1, 1],
  attrs: { ...windowAttrs, output_padding: { type: 'ints' }, output_shape: { type: 'ints' } },
  infer(ctx) {
    const { x, w, group } = convCheck(ctx);
    const c = x[0 + 1]!, cw = w[0]!, mg = w[1]!;
    if (typeof c === 'number' && typeof cw === 'number' && c !== cw) ctx.fail('IR_SHAPE', `input has ${c} channels but weight has ${cw}`);
    if (typeof c === 'number' && c % group !== 0) ctx.fail('IR_SHAPE', `input channels ${c} not divisible by group ${group}`);
    const m = typeof mg === 'number' ? mg * group : mg;
    const g = convTransposeGeometry(x.slice(2), kernelOf(w), ctx.node.attrs, ctx.node.name);
    if (g.outputPadding.some((p, i) => p >= Math.max(g.strides[i]!, g.dilations[i]!))) ctx.fail('IR_ATTR', `output_padding [${g.outputPadding}] must be smaller than stride or dilation`);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: [x[0]!, m, ...g.out] }];
  },
  flops(ctx) {
    // every input element is multiplied by each of the (M/group) x kernel weights it touches
    const w = ctx.inputs[1]!.shape;
    const macs = numel(ctx.inputs[0]!.shape) * numel(w.slice(1));
    return 2 * macs + (ctx.inputs[2] ? numel(ctx.outputs[0]!.shape) : 0);
  },
};

export const CONV_OPS: OpDef[] = [Conv, ConvTranspose];
