// TF.js graph-model plumbing and pointwise ops: activations, Softmax, binary arithmetic with
// constants re-laid-out for NCHW values (BiasAdd, Add, Mul...), AddN, Reshape, Squeeze,
// ConcatV2, Pad/PadV2 and pass-through ops (Identity, StopGradient...).
import type { Dim, Tensor } from '../../../ir/index.js';
import { softmaxEmit } from '../../keras/activations.js';
import { TO_NCHW, type Layout, type Value } from '../../keras/builder.js';
import { permute } from '../../keras/kernels.js';
import { tfActivation } from './ops-nn.js';
import type { GVal, OpConverter, OpCtx } from './context.js';

const val = (v: Value): GVal[] => [{ kind: 'value', v }];

const activation = (op: string): OpConverter => (ctx) => val(tfActivation(ctx, op, ctx.value(0), ctx.node.name));

const softmax: OpConverter = (ctx) => val(softmaxEmit(ctx.b, ctx.value(0), ctx.node.name));

const passThrough: OpConverter = (ctx) => [ctx.inputs[0]!];

function broadcast(ctx: OpCtx, a: Dim[], b: Dim[]): Dim[] {
  const r = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) ctx.fail('TFJS_SHAPE', `shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** A constant operand stored to match a value in `layout` (rank-4 NCHW: pad to rank 4, permute). */
function constFor(ctx: OpCtx, t: Tensor, v: Value, tag: string): string {
  if (t.dtype !== 'float32') ctx.fail('TFJS_UNSUPPORTED_OP', `constant operand has dtype ${t.dtype}`);
  if (v.layout !== 'nchw' || v.shape.length !== 4) return ctx.b.weight(`${ctx.node.name}_${tag}`, t);
  if (t.shape.length > 4) ctx.fail('TFJS_SHAPE', `constant operand of rank ${t.shape.length} for a rank-4 value`);
  const r4 = { ...t, shape: [...new Array<number>(4 - t.shape.length).fill(1), ...t.shape] };
  return ctx.b.weight(`${ctx.node.name}_${tag}`, permute(r4, TO_NCHW));
}

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min'): OpConverter {
  return (ctx) => {
    const [a, c] = [ctx.inputs[0], ctx.inputs[1]];
    if (!a || !c) return ctx.fail('TFJS_GRAPH', 'needs 2 inputs');
    if (a.kind === 'const' && c.kind === 'const') return ctx.fail('TFJS_UNSUPPORTED_OP', 'both operands are constants (fold them before converting)');
    if (ctx.node.op === 'BiasAdd') ctx.nhwc();
    let names: string[], ref: Value, shape: Dim[];
    if (a.kind === 'value' && c.kind === 'value') {
      const layout: Layout = a.v.shape.length === c.v.shape.length && (a.v.layout === 'nchw' || c.v.layout === 'nchw') ? 'nchw' : 'nhwc';
      const [x, y] = [ctx.b.as(a.v, layout), ctx.b.as(c.v, layout)];
      names = [x.name, y.name]; ref = x; shape = broadcast(ctx, x.shape, y.shape);
    } else {
      const v = a.kind === 'value' ? a.v : (c as { v: Value }).v;
      const t = a.kind === 'const' ? a.t : (c as { t: Tensor }).t;
      const w = constFor(ctx, t, v, a.kind === 'const' ? 'a' : 'b');
      names = a.kind === 'value' ? [v.name, w] : [w, v.name]; ref = v; shape = broadcast(ctx, v.shape, t.shape);
      if (shape.length !== v.shape.length) ctx.fail('TFJS_SHAPE', 'a constant operand may not raise the rank of the value');
    }
    return val({ ...ref, shape, name: ctx.b.node(op, ctx.node.name, names) });
  };
}

const addN: OpConverter = (ctx) => {
  const vs = ctx.inputs.map((_, i) => ctx.value(i));
  const layout: Layout = vs.some((v) => v.layout === 'nchw') ? 'nchw' : 'nhwc';
  const xs = vs.map((v) => ctx.b.as(v, layout));
  return val({ ...xs[0]!, name: ctx.b.node('Sum', ctx.node.name, xs.map((x) => x.name)) });
};

const reshape: OpConverter = (ctx) => {
  const x0 = ctx.value(0);
  const target = ctx.constNumbers(1);
  if (x0.shape.length === 4 && x0.shape.slice(1).every((d) => typeof d === 'number') && target.length === 2) {
    const per = (x0.shape.slice(1) as number[]).reduce((p, d) => p * d, 1);
    const batchOk = target[0] === -1 ? target[1] === per : target[0] === x0.shape[0] && (target[1] === per || target[1] === -1);
    if (batchOk) return val(ctx.b.flatten(x0, ctx.node.name)); // a flatten: NCHW values stay in C,H,W order
  }
  const x = ctx.b.as(x0, 'nhwc');
  if (!target.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) || target.filter((d) => d === -1).length > 1) {
    ctx.fail('TFJS_BAD_DIM', `target shape ${JSON.stringify(target)} must be positive integers (at most one -1)`);
  }
  const rest = x.shape.slice(1);
  if (!rest.every((d) => typeof d === 'number')) ctx.fail('TFJS_DYNAMIC_SHAPE', 'reshape of a value with unknown dims');
  const per = (rest as number[]).reduce((p, d) => p * d, 1);
  const batch = x.shape[0]!;
  let shape: Dim[];
  if (target[0] === -1 && typeof batch !== 'number') {
    const inner = target.slice(1).reduce((p, d) => p * d, 1);
    if (per !== inner) ctx.fail('TFJS_SHAPE', `cannot reshape [${x.shape.join(',')}] to ${JSON.stringify(target)}`);
    shape = [batch, ...target.slice(1)];
  } else {
    if (typeof batch !== 'number') ctx.fail('TFJS_DYNAMIC_SHAPE', `reshape to ${JSON.stringify(target)} mixes the batch with other dims`);
    const total = per * (batch as number), known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
    shape = target.map((d) => (d === -1 ? total / known : d));
    if (!shape.every((d) => Number.isInteger(d)) || (shape as number[]).reduce((p, d) => p * d, 1) !== total) ctx.fail('TFJS_SHAPE', `cannot reshape [${x.shape.join(',')}] to ${JSON.stringify(target)}`);
  }
  return val({ ...x, shape, name: ctx.b.node('Reshape', ctx.node.name, [x.name, ctx.b.ints(`${ctx.node.name}_shape`, target)]) });
};

const squeeze: OpConverter = (ctx) => {
  const x = ctx.value(0);
  const dims = ctx.ints('squeeze_dims', []).map((a) => (a < 0 ? a + x.shape.length : a)).sort();
  if (x.shape.length !== 4 || dims.join() !== '1,2' || x.shape[1] !== 1 || x.shape[2] !== 1) ctx.fail('TFJS_UNSUPPORTED_OP', `squeeze of dims [${dims.join(',')}] is not supported (only 1x1 spatial dims)`);
  return val({ ...x, layout: 'nhwc', shape: [x.shape[0]!, x.shape[3]!], name: ctx.b.node('Flatten', ctx.node.name, [x.name], { axis: 1 }) });
};

const concat: OpConverter = (ctx) => {
  const n = ctx.inputs.length - 1;
  const vs = Array.from({ length: n }, (_, i) => ctx.value(i));
  const rank = vs[0]!.shape.length;
  let axis = ctx.constNumbers(n)[0]!;
  if (axis < 0) axis += rank;
  if (!(axis >= 0 && axis < rank)) ctx.fail('TFJS_GRAPH', `axis out of range for rank ${rank}`);
  const layout: Layout = vs.some((v) => v.layout === 'nchw') ? 'nchw' : 'nhwc';
  const xs = vs.map((v) => ctx.b.as(v, layout));
  let total: Dim = 0;
  for (const x of xs) {
    if (x.shape.length !== rank || x.shape.some((d, i) => i !== axis && i > 0 && d !== xs[0]!.shape[i])) ctx.fail('TFJS_SHAPE', `inputs do not concatenate on axis ${axis}`);
    const d = x.shape[axis]!;
    total = typeof total === 'number' && typeof d === 'number' ? total + d : `${String(total)}+${String(d)}`;
  }
  const irAxis = layout === 'nchw' && rank === 4 ? TO_NCHW.indexOf(axis) : axis;
  return val({ ...xs[0]!, shape: xs[0]!.shape.map((d, i) => (i === axis ? total : d)), name: ctx.b.node('Concat', ctx.node.name, xs.map((x) => x.name), { axis: irAxis }) });
};

const pad: OpConverter = (ctx) => {
  const x = ctx.value(0);
  const p = ctx.constNumbers(1);
  if (x.shape.length !== 4 || p.length !== 8 || p[0] || p[1] || p[6] || p[7] || p.some((v) => v < 0)) ctx.fail('TFJS_UNSUPPORTED_OP', `paddings ${JSON.stringify(p)} are not supported (only non-negative height/width padding of NHWC values)`);
  const value = ctx.node.op === 'PadV2' ? Number((ctx.constant(2).data as Float32Array)[0]) : 0;
  const b = ctx.b;
  const ins = [b.as(x, 'nchw').name, b.ints(`${ctx.node.name}_pads`, [0, 0, p[2]!, p[4]!, 0, 0, p[3]!, p[5]!])];
  if (value !== 0) ins.push(b.scalar(`${ctx.node.name}_value`, value));
  const shape = [x.shape[0]!, (x.shape[1] as number) + p[2]! + p[3]!, (x.shape[2] as number) + p[4]! + p[5]!, x.shape[3]!];
  return val({ name: b.node('Pad', ctx.node.name, ins, { mode: 'constant' }), shape, layout: 'nchw', dtype: 'float32' });
};

export const BASIC_OPS: Record<string, OpConverter> = {
  Relu: activation('Relu'), Relu6: activation('Relu6'), Elu: activation('Elu'), Sigmoid: activation('Sigmoid'), Tanh: activation('Tanh'), LeakyRelu: activation('LeakyRelu'),
  Softmax: softmax,
  Identity: passThrough, StopGradient: passThrough, Snapshot: passThrough, IdentityN: passThrough,
  BiasAdd: binary('Add'), Add: binary('Add'), AddV2: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), RealDiv: binary('Div'), Maximum: binary('Max'), Minimum: binary('Min'),
  AddN: addN,
  Reshape: reshape,
  Squeeze: squeeze,
  ConcatV2: concat,
  Pad: pad, PadV2: pad,
};
