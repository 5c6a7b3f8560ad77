// Op rows for constants and shape plumbing from PyTorch exports (Constant, Shape, Gather, Cast),
// plus Pad (constant/edge/reflect; pads as attribute < opset 11, input >= 11) and
// Resize/Upsample (nearest or linear, scales or sizes).
import type { OpContext, OpDef } from './schema.js';
import { gatherTensor } from './fold-helpers.js';
import { dataFrom, isDType, toNumbers } from '../dtype.js';
import { normAxis, numel } from '../shape.js';
import type { DType, Dim, Tensor } from '../types.js';

function constantValue(ctx: OpContext): Tensor {
  const a = ctx.node.attrs;
  if (a.value !== undefined && typeof a.value === 'object' && !Array.isArray(a.value)) return a.value;
  if (typeof a.value_float === 'number') return { dtype: 'float32', shape: [], data: dataFrom('float32', [a.value_float]) };
  if (Array.isArray(a.value_floats)) return { dtype: 'float32', shape: [a.value_floats.length], data: dataFrom('float32', a.value_floats as number[]) };
  if (typeof a.value_int === 'number') return { dtype: 'int64', shape: [], data: dataFrom('int64', [a.value_int]) };
  if (Array.isArray(a.value_ints)) return { dtype: 'int64', shape: [a.value_ints.length], data: dataFrom('int64', a.value_ints as number[]) };
  return ctx.fail('IR_ATTR', 'Constant needs one of value, value_float(s), value_int(s)');
}

export const Constant: OpDef = {
  op: 'Constant', fuse: 'opaque', inputs: [0, 0], outputs: [1, 1],
  attrs: { value: { type: 'tensor' }, value_float: { type: 'float' }, value_floats: { type: 'floats' }, value_int: { type: 'int' }, value_ints: { type: 'ints' } },
  infer(ctx) { const t = constantValue(ctx); return [{ dtype: t.dtype, shape: [...t.shape] }]; },
  fold: (ctx) => [constantValue(ctx)],
  params: () => 0,
};

function shapeRange(ctx: OpContext, r: number): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  return [clamp(ctx.has('start') ? ctx.attr<number>('start') : 0), clamp(ctx.has('end') ? ctx.attr<number>('end') : r)];
}

export const Shape: OpDef = {
  op: 'Shape', fuse: 'opaque', inputs: [1, 1], outputs: [1, 1], attrs: { start: { type: 'int' }, end: { type: 'int' } },
  infer(ctx) { const [s, e] = shapeRange(ctx, ctx.inputs[0]!.shape.length); return [{ dtype: 'int64', shape: [e - s] }]; },
  propagate(ctx) { const x = ctx.inputs[0]!.shape; const [s, e] = shapeRange(ctx, x.length); return x.slice(s, e); },
  fold(ctx) {
    const x = ctx.inputs[0]!.shape;
    const [s, e] = shapeRange(ctx, x.length);
    const dims = x.slice(s, e);
    return dims.every((d) => typeof d === 'number') ? [{ dtype: 'int64', shape: [dims.length], data: dataFrom('int64', dims as number[]) }] : undefined;
  },
};

export const Gather: OpDef = {
  op: 'Gather', fuse: 'opaque', inputs: [2, 2], outputs: [1, 1], attrs: { axis: { type: 'int', default: 0 } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape, idx = ctx.inputs[1]!;
    if (idx.dtype !== 'int64' && idx.dtype !== 'int32') ctx.fail('IR_SHAPE', `indices dtype ${idx.dtype} must be int32/int64`);
    const axis = normAxis(ctx.attr<number>('axis'), x.length, ctx.node.name);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: [...x.slice(0, axis), ...idx.shape, ...x.slice(axis + 1)] }];
  },
  propagate(ctx) {
    const v = ctx.symbolic(0), idx = ctx.constNumbers(1);
    if (!v || !idx || ctx.inputs[0]!.shape.length !== 1) return undefined;
    const out = idx.map((i) => v[i < 0 ? i + v.length : i]);
    return out.every((d) => d !== undefined) ? (out as Dim[]) : undefined;
  },
  fold(ctx) {
    const t = ctx.constant(0), i = ctx.constant(1);
    if (!t || !i || numel(t.shape) > 4096) return undefined;
    return [gatherTensor(t, toNumbers(i.data), i.shape, normAxis(ctx.attr<number>('axis'), t.shape.length, ctx.node.name))];
  },
};

/** ONNX TensorProto.DataType codes for the dtypes the IR has. */
export const ONNX_DTYPE_CODES: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int16: 5, int32: 6, int64: 7, bool: 9 };

export const Cast: OpDef = {
  op: 'Cast', fuse: 'elementwise', inputs: [1, 1], outputs: [1, 1], attrs: { to: { type: 'int', required: true } },
  infer(ctx) {
    const to = Object.entries(ONNX_DTYPE_CODES).find(([, c]) => c === ctx.attr<number>('to'))?.[0];
    if (!isDType(to)) return ctx.fail('IR_ATTR', `Cast to ONNX type ${ctx.attr('to')} is not supported`);
    return [{ dtype: to, shape: [...ctx.inputs[0]!.shape] }];
  },
  propagate: (ctx) => ctx.symbolic(0),
  fold(ctx) {
    const t = ctx.constant(0);
    const to = this.infer(ctx)[0]!.dtype;
    return t ? [{ dtype: to, shape: t.shape, data: dataFrom(to, toNumbers(t.data)) }] : undefined;
  },
};

/** Pad amounts [begin..., end...] for all axes (input from opset 11, attribute before). */
export function padsOf(ctx: OpContext): number[] {
  if (ctx.opset >= 11) return ctx.constNumbers(1) ?? ctx.fail('IR_INPUT', `pads input '${ctx.node.inputs[1] ?? ''}' is missing or not a constant`);
  return ctx.has('pads') ? ctx.attr<number[]>('pads') : ctx.fail('IR_ATTR', 'Pad needs pads');
}

export const Pad: OpDef = {
  op: 'Pad', fuse: 'opaque', inputs: [1, 3], outputs: [1, 1],
  attrs: { mode: { type: 'string', default: 'constant', oneOf: ['constant', 'edge', 'reflect'] }, pads: { type: 'ints' }, value: { type: 'float', default: 0 } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    if (ctx.node.inputs[3]) ctx.fail('IR_INPUT', 'Pad with an axes input (opset 18) is not supported; give pads for every axis');
    const pads = padsOf(ctx);
    if (pads.length !== 2 * x.length) ctx.fail('IR_SHAPE', `pads has ${pads.length} values, expected ${2 * x.length}`);
    const r = x.length;
    const out: Dim[] = x.map((d, i) => (typeof d === 'number' ? d + pads[i]! + pads[i + r]! : d));
    if (out.some((d) => typeof d === 'number' && d < 0)) ctx.fail('IR_SHAPE', `pads [${pads}] remove more than the input [${x}]`);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: out }];
  },
  params: () => 0,
};

/** Output shape of Resize/Upsample from constant scales or sizes. */
export function resizeShape(ctx: OpContext): number[] | Dim[] {
  const x = ctx.inputs[0]!.shape;
  const isUpsample = ctx.node.op === 'Upsample';
  const scalesIdx = isUpsample || ctx.opset < 11 ? 1 : 2;
  const sizes = !isUpsample && ctx.opset >= 11 && ctx.node.inputs[3] ? ctx.constNumbers(3) : undefined;
  if (sizes) {
    if (sizes.length !== x.length) ctx.fail('IR_SHAPE', `sizes [${sizes}] rank != input rank ${x.length}`);
    return sizes;
  }
  const scales = ctx.node.inputs[scalesIdx] ? ctx.constNumbers(scalesIdx) : ctx.has('scales') ? ctx.attr<number[]>('scales') : undefined;
  if (!scales || scales.length === 0) return ctx.fail('IR_INPUT', 'Resize needs constant scales or sizes');
  if (scales.length !== x.length) ctx.fail('IR_SHAPE', `scales [${scales}] rank != input rank ${x.length}`);
  return x.map((d, i) => (typeof d === 'number' ? Math.floor(d * scales[i]! + 1e-6) : scales[i] === 1 ? d : `?${i}`));
}

const resizeAttrs = {
  mode: { type: 'string', default: 'nearest', oneOf: ['nearest', 'linear', 'bilinear', 'cubic'] },
  coordinate_transformation_mode: { type: 'string', default: 'half_pixel' },
  nearest_mode: { type: 'string', default: 'round_prefer_floor' },
  cubic_coeff_a: { type: 'float', default: -0.75 },
  exclude_outside: { type: 'int', default: 0 },
  extrapolation_value: { type: 'float', default: 0 },
  scales: { type: 'floats' },
} as const;

const resizeRow = (op: string): OpDef => ({
  op, fuse: 'opaque', inputs: [1, 4], outputs: [1, 1], attrs: { ...resizeAttrs },
  infer(ctx) {
    const mode = ctx.attr<string>('mode');
    if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') ctx.fail('IR_ATTR', `${op} mode '${mode}' is not supported (nearest or linear)`);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: resizeShape(ctx) }];
  },
  params: () => 0,
});

export const MISC_OPS: OpDef[] = [Constant, Shape, Gather, Cast, Pad, { ...resizeRow('Resize'), opsets: [10, Infinity] }, { ...resizeRow('Upsample'), opsets: [7, 9] }];
