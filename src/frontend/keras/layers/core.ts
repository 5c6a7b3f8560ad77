// Keras core layers: Dense (Gemm on 2-D, MatMul+Add on higher rank), Rescaling, Flatten and Reshape (in the
// channels-last order Keras uses, so NCHW values are transposed back first), and layers that
// are the identity at inference (Dropout and friends).
import type { Dim } from '../../../ir/index.js';
import type { LayerConverter } from './context.js';
import { applyActivation } from './activation.js';
import { chwRows } from '../kernels.js';

const dense: LayerConverter = (ctx) => {
  const x0 = ctx.one();
  const flat = x0.layout === 'chw-flat';
  const x = flat ? x0 : ctx.b.as(x0, 'nhwc');
  const units = ctx.dim('units');
  const cin = ctx.channels(x);
  const k0 = ctx.weight('kernel', [cin, units]);
  const k = flat ? chwRows(k0, x0.chw!) : k0; // features arrive in C,H,W order: permute rows, not activations
  const bias = ctx.bool('use_bias', true) ? ctx.weight('bias', [units]) : undefined;
  const b = ctx.b;
  const shape = [...x.shape.slice(0, -1), units];
  let out: string;
  if (x.shape.length === 2) {
    const ins = [x.name, b.weight(`${ctx.name}_W`, k)];
    if (bias) ins.push(b.weight(`${ctx.name}_B`, bias));
    out = b.node('Gemm', ctx.name, ins, { alpha: 1, beta: 1, transA: 0, transB: 0 });
  } else {
    out = b.node('MatMul', bias ? `${ctx.name}_matmul` : ctx.name, [x.name, b.weight(`${ctx.name}_W`, k)]);
    if (bias) out = b.node('Add', ctx.name, [out, b.weight(`${ctx.name}_B`, bias)]);
  }
  return [applyActivation(ctx, { name: out, shape, layout: 'nhwc', dtype: 'float32' })];
};

const flatten: LayerConverter = (ctx) => {
  ctx.channelsLast();
  const x0 = ctx.one();
  if (x0.shape.length === 2) return [x0];
  if (x0.shape.length === 4) return [ctx.b.flatten(x0, ctx.name)];
  const x = ctx.b.as(x0, 'nhwc');
  const rest = x.shape.slice(1);
  if (!rest.every((d) => typeof d === 'number')) ctx.fail('KERAS_DYNAMIC_SHAPE', `cannot flatten a value with unknown dims (${x.shape.join('x')})`);
  const n = (rest as number[]).reduce((a, c) => a * c, 1);
  return [{ ...x, name: ctx.b.node('Flatten', ctx.name, [x.name], { axis: 1 }), shape: [x.shape[0]!, n] }];
};

const reshape: LayerConverter = (ctx) => {
  const x = ctx.b.as(ctx.one(), 'nhwc');
  const t = ctx.cfg.target_shape;
  if (!Array.isArray(t) || !t.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) || t.filter((d) => d === -1).length > 1) {
    ctx.fail('KERAS_BAD_DIM', `target_shape ${JSON.stringify(t)} must be positive integers (at most one -1)`);
  }
  const rest = x.shape.slice(1);
  if (!rest.every((d) => typeof d === 'number')) ctx.fail('KERAS_DYNAMIC_SHAPE', 'reshape of a value with unknown dims');
  const total = (rest as number[]).reduce((a, c) => a * c, 1);
  const known = (t as number[]).reduce((a, d) => (d === -1 ? a : a * d), 1);
  const dims = (t as number[]).map((d) => (d === -1 ? total / known : d));
  if (dims.reduce((a, d) => a * d, 1) !== total || !dims.every(Number.isInteger)) {
    ctx.fail('KERAS_SHAPE', `cannot reshape ${rest.join('x')} (${total} values) to ${JSON.stringify(t)}`);
  }
  const shape: Dim[] = [x.shape[0]!, ...dims];
  const name = ctx.b.node('Reshape', ctx.name, [x.name, ctx.b.ints(`${ctx.name}_shape`, [0, ...dims])]);
  return [{ ...x, name, shape }];
};

const identity: LayerConverter = (ctx) => [ctx.one()];

/** Rescaling: x * scale + offset with scalar scale/offset (pointwise, any layout). */
const rescaling: LayerConverter = (ctx) => {
  const x = ctx.one();
  const scale = ctx.num('scale'), offset = ctx.num('offset', 0);
  const b = ctx.b;
  const y = b.node('Mul', offset === 0 ? ctx.name : `${ctx.name}_scale`, [x.name, b.scalar(`${ctx.name}_s`, scale)]);
  return [{ ...x, name: offset === 0 ? y : b.node('Add', ctx.name, [y, b.scalar(`${ctx.name}_o`, offset)]) }];
};

export const CORE_LAYERS: Record<string, LayerConverter> = {
  Dense: dense,
  Flatten: flatten,
  Reshape: reshape,
  Rescaling: rescaling,
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  ActivityRegularization: identity,
};
