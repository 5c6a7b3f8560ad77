// Keras pooling and spatial layers on NCHW values: MaxPooling2D, AveragePooling2D (padding
// excluded from the average, as TensorFlow does), GlobalAverage/MaxPooling2D (keepdims),
// ZeroPadding2D, Cropping2D and nearest UpSampling2D.
import { tfWindow } from '../kernels.js';
import type { LayerConverter, LayerCtx } from './context.js';

function pool(op: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (ctx) => {
    ctx.channelsLast();
    const x = ctx.one();
    const [h, w] = ctx.spatial(x);
    const k = ctx.pair('pool_size', 2);
    const s = ctx.has('strides') ? ctx.pair('strides') : k;
    const padding = ctx.str('padding', ['same', 'valid'] as const, 'valid');
    const wy = tfWindow(h, k[0], s[0], 1, padding), wx = tfWindow(w, k[1], s[1], 1, padding);
    if (wy.out < 1 || wx.out < 1) ctx.fail('KERAS_SHAPE', `a ${k.join('x')} pool does not fit the ${h}x${w} input`);
    const attrs: Record<string, number[] | number> = { kernel_shape: [...k], strides: [...s], pads: [wy.before, wx.before, wy.after, wx.after] };
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    const name = ctx.b.node(op, ctx.name, [ctx.b.as(x, 'nchw').name], attrs);
    return [{ name, shape: [x.shape[0]!, wy.out, wx.out, x.shape[3]!], layout: 'nchw', dtype: 'float32' }];
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return (ctx: LayerCtx) => {
    ctx.channelsLast();
    const x = ctx.one();
    ctx.spatial(x);
    const c = ctx.channels(x);
    const keep = ctx.bool('keepdims', false);
    const g = ctx.b.node(op, keep ? ctx.name : `${ctx.name}_pool`, [ctx.b.as(x, 'nchw').name]);
    if (keep) return [{ name: g, shape: [x.shape[0]!, 1, 1, c], layout: 'nchw', dtype: 'float32' }];
    return [{ name: ctx.b.node('Flatten', ctx.name, [g], { axis: 1 }), shape: [x.shape[0]!, c], layout: 'nhwc', dtype: 'float32' }];
  };
}

/** ZeroPadding2D padding / Cropping2D cropping: n, [h, w] or [[top, bottom], [left, right]]. */
function paddingOf(ctx: LayerCtx, key = 'padding', dflt = 1): [number, number, number, number] {
  const p = ctx.cfg[key] ?? dflt;
  const nat = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (nat(p)) return [p as number, p as number, p as number, p as number];
  if (Array.isArray(p) && p.length === 2 && p.every(nat)) return [p[0], p[0], p[1], p[1]];
  if (Array.isArray(p) && p.length === 2 && p.every((q) => Array.isArray(q) && q.length === 2 && q.every(nat))) {
    return [p[0][0], p[0][1], p[1][0], p[1][1]];
  }
  return ctx.fail('KERAS_BAD_DIM', `${key} ${JSON.stringify(p)} must be non-negative integers`);
}

const zeroPad: LayerConverter = (ctx) => {
  ctx.channelsLast();
  const x = ctx.one();
  const [h, w] = ctx.spatial(x);
  const [t, bt, l, r] = paddingOf(ctx);
  const b = ctx.b;
  const name = b.node('Pad', ctx.name, [b.as(x, 'nchw').name, b.ints(`${ctx.name}_pads`, [0, 0, t, l, 0, 0, bt, r])], { mode: 'constant' });
  return [{ name, shape: [x.shape[0]!, h + t + bt, w + l + r, x.shape[3]!], layout: 'nchw', dtype: 'float32' }];
};

const crop: LayerConverter = (ctx) => {
  ctx.channelsLast();
  const x = ctx.one();
  const [h, w] = ctx.spatial(x);
  const [t, bt, l, r] = paddingOf(ctx, 'cropping', 0);
  if (t + bt >= h || l + r >= w) ctx.fail('KERAS_SHAPE', `cropping ${JSON.stringify(ctx.cfg.cropping)} removes the whole ${h}x${w} input`);
  const b = ctx.b;
  const ins = [b.as(x, 'nchw').name, b.ints(`${ctx.name}_starts`, [t, l]), b.ints(`${ctx.name}_ends`, [h - bt, w - r]), b.ints(`${ctx.name}_axes`, [2, 3])];
  return [{ name: b.node('Slice', ctx.name, ins), shape: [x.shape[0]!, h - t - bt, w - l - r, x.shape[3]!], layout: 'nchw', dtype: 'float32' }];
};

const upsample: LayerConverter = (ctx) => {
  ctx.channelsLast();
  const x = ctx.one();
  const [h, w] = ctx.spatial(x);
  const [sh, sw] = ctx.pair('size', 2);
  ctx.str('interpolation', ['nearest'] as const, 'nearest');
  const b = ctx.b;
  const scales = b.weight(`${ctx.name}_scales`, { dtype: 'float32', shape: [4], data: new Float32Array([1, 1, sh, sw]) });
  const name = b.node('Resize', ctx.name, [b.as(x, 'nchw').name, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  return [{ name, shape: [x.shape[0]!, h * sh, w * sw, x.shape[3]!], layout: 'nchw', dtype: 'float32' }];
};

export const POOL_LAYERS: Record<string, LayerConverter> = {
  MaxPooling2D: pool('MaxPool'),
  MaxPool2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  AvgPool2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalAvgPool2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GlobalMaxPool2D: globalPool('GlobalMaxPool'),
  ZeroPadding2D: zeroPad,
  Cropping2D: crop,
  UpSampling2D: upsample,
};
