// TF.js graph-model layers: Conv2D / DepthwiseConv2dNative and their fused forms (BiasAdd +
// activation; tfjs itself runs no other fusion), MaxPool/AvgPool, FusedBatchNorm(V2/V3), MatMul/_FusedMatMul
// and Mean/Max over H,W (global pooling). NHWC in, NCHW values out.
import type { Tensor } from '../../../ir/index.js';
import { ACTIVATIONS } from '../../keras/activations.js';
import type { Value } from '../../keras/builder.js';
import { chwRows, depthwiseToOihw, hwioToOihw, permute, tfWindow } from '../../keras/kernels.js';
import type { GVal, OpConverter, OpCtx } from './context.js';

const val = (v: Value): GVal[] => [{ kind: 'value', v }];

function spatial(ctx: OpCtx, x: Value): [number, number] {
  if (x.shape.length !== 4) ctx.fail('TFJS_SHAPE', `expects a 4-D NHWC input, got rank ${x.shape.length}`);
  const [, h, w] = x.shape;
  if (typeof h !== 'number' || typeof w !== 'number') ctx.fail('TFJS_DYNAMIC_SHAPE', 'input height/width are not fixed', 'convert the model with a fixed input shape');
  return [h, w];
}

/** strides/ksize/dilations lists [1, h, w, 1] -> [h, w]. */
function hw(ctx: OpCtx, key: string, dflt?: number[]): [number, number] {
  const l = ctx.ints(key, dflt);
  if (l.length !== 4 || l[0] !== 1 || l[3] !== 1 || !(l[1]! > 0 && l[2]! > 0)) ctx.fail('TFJS_UNSUPPORTED_OP', `'${key}' ${JSON.stringify(l)} must be [1, h, w, 1] with positive h, w`);
  return [l[1]!, l[2]!];
}

interface Pads { pads: number[]; out: [number, number] }

function pads(ctx: OpCtx, x: Value, k: [number, number], s: [number, number], d: [number, number]): Pads {
  const [h, w] = spatial(ctx, x);
  const p = ctx.str('padding').toUpperCase();
  if (p === 'EXPLICIT') {
    const e = ctx.ints('explicit_paddings');
    if (e.length !== 8 || e[0] || e[1] || e[6] || e[7]) ctx.fail('TFJS_UNSUPPORTED_OP', `explicit_paddings ${JSON.stringify(e)} pads batch/channels`);
    const dk = (i: 0 | 1) => (k[i] - 1) * d[i] + 1;
    const oy = Math.floor((h + e[2]! + e[3]! - dk(0)) / s[0]) + 1, ox = Math.floor((w + e[4]! + e[5]! - dk(1)) / s[1]) + 1;
    return { pads: [e[2]!, e[4]!, e[3]!, e[5]!], out: [oy, ox] };
  }
  if (p !== 'SAME' && p !== 'VALID') ctx.fail('TFJS_UNSUPPORTED_OP', `padding '${p}' is not supported`);
  const mode = p === 'SAME' ? 'same' : 'valid';
  const wy = tfWindow(h, k[0], s[0], d[0], mode), wx = tfWindow(w, k[1], s[1], d[1], mode);
  if (wy.out < 1 || wx.out < 1) ctx.fail('TFJS_SHAPE', `a ${k.join('x')} window does not fit the ${h}x${w} input`);
  return { pads: [wy.before, wx.before, wy.after, wx.after], out: [wy.out, wx.out] };
}

/** Apply the activation named by a TF op (Relu, Relu6, Elu, Sigmoid, Tanh, LeakyRelu). */
export function tfActivation(ctx: OpCtx, op: string, v: Value, name: string): Value {
  if (op === 'LeakyRelu') return { ...v, name: ctx.b.node('LeakyRelu', name, [v.name], { alpha: ctx.float(ctx.has('leakyrelu_alpha') ? 'leakyrelu_alpha' : 'alpha', 0.2) }) };
  const key = { Relu: 'relu', Relu6: 'relu6', Elu: 'elu', Sigmoid: 'sigmoid', Tanh: 'tanh' }[op];
  if (!key) return ctx.fail('TFJS_UNSUPPORTED_OP', `fused activation '${op}' is not supported`);
  return ACTIVATIONS[key]!(ctx.b, v, name);
}

function batchNorm(ctx: OpCtx, x: Value, args: Tensor[], eps: number, name: string): Value {
  const b = ctx.b;
  const c = x.shape[3];
  if (args.some((t) => t.shape.length !== 1 || t.shape[0] !== c)) ctx.fail('TFJS_SHAPE', `batch-norm parameters must have ${String(c)} elements`);
  const xin = b.as(x, 'nchw');
  const ins = [xin.name, ...['scale', 'offset', 'mean', 'variance'].map((s, i) => b.weight(`${name}_${s}`, args[i]!))];
  return { ...xin, name: b.node('BatchNormalization', name, ins, { epsilon: eps }) };
}

function conv(depthwise: boolean, fused: boolean): OpConverter {
  return (ctx) => {
    ctx.nhwc();
    const x = ctx.value(0);
    const f = ctx.constant(1);
    if (f.shape.length !== 4) ctx.fail('TFJS_SHAPE', `filter must be 4-D [kh, kw, in, out], got [${f.shape.join(',')}]`);
    const cin = x.shape[3];
    if (typeof cin !== 'number') return ctx.fail('TFJS_DYNAMIC_SHAPE', 'channel dim is not fixed');
    const k: [number, number] = [f.shape[0]!, f.shape[1]!];
    const s = hw(ctx, 'strides'), d = hw(ctx, 'dilations', [1, 1, 1, 1]);
    const geo = pads(ctx, x, k, s, d);
    let w: Tensor, group: number;
    if (depthwise) {
      if (f.shape[2] !== cin) ctx.fail('TFJS_SHAPE', `depthwise filter has ${f.shape[2]} input channels, input has ${cin}`);
      w = depthwiseToOihw(f); group = cin;
    } else {
      if (cin % f.shape[2]! !== 0) ctx.fail('TFJS_SHAPE', `filter has ${f.shape[2]} input channels, input has ${cin}`);
      w = hwioToOihw(f); group = cin / f.shape[2]!;
    }
    const ops = fused ? ctx.strs('fused_ops') : [];
    const b = ctx.b;
    const ins = [b.as(x, 'nchw').name, b.weight(`${ctx.node.name}_W`, w)];
    let rest = ops;
    if (ops[0] === 'BiasAdd') {
      const bias = ctx.constant(2);
      if (bias.shape.length !== 1 || bias.shape[0] !== w.shape[0]) ctx.fail('TFJS_SHAPE', `bias has shape [${bias.shape.join(',')}], expected [${w.shape[0]}]`);
      ins.push(b.weight(`${ctx.node.name}_B`, bias));
      rest = ops.slice(1);
    }
    const convName = rest.length ? `${ctx.node.name}_conv` : ctx.node.name;
    let y: Value = { name: b.node('Conv', convName, ins, { kernel_shape: k, strides: s, dilations: d, group, pads: geo.pads }), shape: [x.shape[0]!, geo.out[0], geo.out[1], w.shape[0]!], layout: 'nchw', dtype: 'float32' };
    if (rest.length > 1) ctx.fail('TFJS_UNSUPPORTED_OP', `fused_ops ${JSON.stringify(ops)} are not supported`);
    if (rest.length === 1) y = tfActivation(ctx, rest[0]!, y, ctx.node.name);
    return val(y);
  };
}

function pool(op: 'MaxPool' | 'AveragePool'): OpConverter {
  return (ctx) => {
    ctx.nhwc();
    const x = ctx.value(0);
    const k = hw(ctx, 'ksize'), s = hw(ctx, 'strides');
    const geo = pads(ctx, x, k, s, [1, 1]);
    const attrs: Record<string, number | number[]> = { kernel_shape: k, strides: s, pads: geo.pads };
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    const name = ctx.b.node(op, ctx.node.name, [ctx.b.as(x, 'nchw').name], attrs);
    return val({ name, shape: [x.shape[0]!, geo.out[0], geo.out[1], x.shape[3]!], layout: 'nchw', dtype: 'float32' });
  };
}

const fusedBatchNorm: OpConverter = (ctx) => {
  ctx.nhwc();
  if (ctx.bool('is_training', false)) ctx.fail('TFJS_UNSUPPORTED_OP', 'is_training=true batch norm is not an inference graph');
  const x = ctx.value(0);
  if (x.shape.length !== 4) ctx.fail('TFJS_SHAPE', 'expects a 4-D NHWC input');
  return val(batchNorm(ctx, x, [1, 2, 3, 4].map((i) => ctx.constant(i)), ctx.float('epsilon', 1e-3), ctx.node.name));
};

function matmul(fused: boolean): OpConverter {
  return (ctx) => {
    const x0 = ctx.value(0, true);
    const x = x0.layout === 'chw-flat' ? x0 : ctx.b.as(x0, 'nhwc');
    let w = ctx.constant(1);
    if (ctx.bool('transpose_a', false)) ctx.fail('TFJS_UNSUPPORTED_OP', 'transpose_a=true is not supported');
    if (x.shape.length !== 2 || w.shape.length !== 2) ctx.fail('TFJS_SHAPE', 'only 2-D x [N, K] times constant [K, M] is supported');
    if (ctx.bool('transpose_b', false)) w = permute(w, [1, 0]);
    if (w.shape[0] !== x.shape[1]) ctx.fail('TFJS_SHAPE', `cannot multiply [${x.shape.join(',')}] by [${w.shape.join(',')}]`);
    if (x.layout === 'chw-flat') w = chwRows(w, x.chw!); // features arrive in C,H,W order: permute rows, not activations
    const b = ctx.b;
    const ops = fused ? ctx.strs('fused_ops') : [];
    const ins = [x.name, b.weight(`${ctx.node.name}_W`, w)];
    let rest = ops;
    if (ops[0] === 'BiasAdd') { ins.push(b.weight(`${ctx.node.name}_B`, ctx.constant(2))); rest = ops.slice(1); }
    if (rest.length > 1) ctx.fail('TFJS_UNSUPPORTED_OP', `fused_ops ${JSON.stringify(ops)} are not supported`);
    let y: Value = { name: b.node('Gemm', rest.length ? `${ctx.node.name}_gemm` : ctx.node.name, ins, { transA: 0, transB: 0 }), shape: [x.shape[0]!, w.shape[1]!], layout: 'nhwc', dtype: 'float32' };
    if (rest.length === 1) y = tfActivation(ctx, rest[0]!, y, ctx.node.name);
    return val(y);
  };
}

function reduceHW(op: 'GlobalAveragePool' | 'GlobalMaxPool'): OpConverter {
  return (ctx) => {
    const x = ctx.value(0);
    const axes = ctx.constNumbers(1).map((a) => (a < 0 ? a + x.shape.length : a)).sort();
    if (x.shape.length !== 4 || axes.join() !== '1,2') ctx.fail('TFJS_UNSUPPORTED_OP', `reduction over axes [${axes.join(',')}] of a rank-${x.shape.length} value is not supported (only global pooling over height and width)`);
    const keep = ctx.bool('keep_dims', false);
    const b = ctx.b;
    const g = b.node(op, keep ? ctx.node.name : `${ctx.node.name}_pool`, [b.as(x, 'nchw').name]);
    if (keep) return val({ name: g, shape: [x.shape[0]!, 1, 1, x.shape[3]!], layout: 'nchw', dtype: 'float32' });
    return val({ name: b.node('Flatten', ctx.node.name, [g], { axis: 1 }), shape: [x.shape[0]!, x.shape[3]!], layout: 'nhwc', dtype: 'float32' });
  };
}

export const NN_OPS: Record<string, OpConverter> = {
  Conv2D: conv(false, false),
  _FusedConv2D: conv(false, true),
  DepthwiseConv2dNative: conv(true, false),
  FusedDepthwiseConv2dNative: conv(true, true),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
  MatMul: matmul(false),
  _FusedMatMul: matmul(true),
  Mean: reduceHW('GlobalAveragePool'),
  Max: reduceHW('GlobalMaxPool'),
};
