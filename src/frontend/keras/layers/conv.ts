// Keras convolution layers -> NCHW Conv/ConvTranspose: Conv2D (groups, dilation), DepthwiseConv2D
// (depth_multiplier), SeparableConv2D (depthwise + pointwise) and Conv2DTranspose, with
// TensorFlow SAME/VALID padding made explicit and kernels converted from HWIO.
import type { Tensor } from '../../../ir/index.js';
import type { Value } from '../builder.js';
import { depthwiseToOihw, hwioToOihw, tfTransposeWindow, tfWindow } from '../kernels.js';
import { applyActivation } from './activation.js';
import type { LayerConverter, LayerCtx } from './context.js';

interface Geom { kernel: [number, number]; strides: [number, number]; dil: [number, number]; padding: 'same' | 'valid' }

function geom(ctx: LayerCtx, kernelKey = 'kernel_size'): Geom {
  ctx.channelsLast();
  const g: Geom = { kernel: ctx.pair(kernelKey), strides: ctx.pair('strides', 1), dil: ctx.pair('dilation_rate', 1), padding: ctx.str('padding', ['same', 'valid'] as const, 'valid') };
  if ((g.strides[0] > 1 || g.strides[1] > 1) && (g.dil[0] > 1 || g.dil[1] > 1)) ctx.fail('KERAS_UNSUPPORTED_CONFIG', 'strides > 1 together with dilation_rate > 1 is not supported (Keras refuses it too)');
  return g;
}

/** Emit a Conv on x (any layout) and return the NCHW-stored result with its logical shape. */
function conv(ctx: LayerCtx, x: Value, w: Tensor, bias: Tensor | undefined, g: Geom, group: number, name: string): Value {
  const [h, wd] = ctx.spatial(x);
  const wy = tfWindow(h, g.kernel[0], g.strides[0], g.dil[0], g.padding);
  const wx = tfWindow(wd, g.kernel[1], g.strides[1], g.dil[1], g.padding);
  if (wy.out < 1 || wx.out < 1) ctx.fail('KERAS_SHAPE', `a ${g.kernel.join('x')} window does not fit the ${h}x${wd} input`);
  const xin = ctx.b.as(x, 'nchw');
  const inputs = [xin.name, ctx.b.weight(`${name}_W`, w)];
  if (bias) inputs.push(ctx.b.weight(`${name}_B`, bias));
  const out = ctx.b.node('Conv', name, inputs, {
    kernel_shape: [...g.kernel], strides: [...g.strides], dilations: [...g.dil], group,
    pads: [wy.before, wx.before, wy.after, wx.after],
  });
  return { name: out, shape: [x.shape[0]!, wy.out, wx.out, w.shape[0]!], layout: 'nchw', dtype: 'float32' };
}

/** depth_multiplier; tfjs omits it from SeparableConv2D configs, so fall back to the kernel's last dim. */
function multiplier(ctx: LayerCtx): number {
  if (ctx.has('depth_multiplier')) return ctx.dim('depth_multiplier');
  const k = ctx.optWeight('depthwise_kernel');
  return k && k.shape.length === 4 && k.shape[3]! > 0 ? k.shape[3]! : 1;
}

const conv2d: LayerConverter = (ctx) => {
  const x = ctx.one();
  const g = geom(ctx);
  const cin = ctx.channels(x);
  const filters = ctx.dim('filters');
  const groups = ctx.dim('groups', 1);
  if (cin % groups !== 0 || filters % groups !== 0) ctx.fail('KERAS_CONFIG', `groups ${groups} does not divide ${cin} input channels and ${filters} filters`);
  const k = ctx.weight('kernel', [g.kernel[0], g.kernel[1], cin / groups, filters]);
  const bias = ctx.bool('use_bias', true) ? ctx.weight('bias', [filters]) : undefined;
  return [applyActivation(ctx, conv(ctx, x, hwioToOihw(k), bias, g, groups, ctx.name))];
};

const depthwise: LayerConverter = (ctx) => {
  const x = ctx.one();
  const g = geom(ctx);
  const cin = ctx.channels(x);
  const m = multiplier(ctx);
  const k = ctx.weight('depthwise_kernel', [g.kernel[0], g.kernel[1], cin, m]);
  const bias = ctx.bool('use_bias', true) ? ctx.weight('bias', [cin * m]) : undefined;
  return [applyActivation(ctx, conv(ctx, x, depthwiseToOihw(k), bias, g, cin, ctx.name))];
};

const separable: LayerConverter = (ctx) => {
  const x = ctx.one();
  const g = geom(ctx);
  const cin = ctx.channels(x);
  const m = multiplier(ctx);
  const filters = ctx.dim('filters');
  const dk = ctx.weight('depthwise_kernel', [g.kernel[0], g.kernel[1], cin, m]);
  const pk = ctx.weight('pointwise_kernel', [1, 1, cin * m, filters]);
  const bias = ctx.bool('use_bias', true) ? ctx.weight('bias', [filters]) : undefined;
  const d = conv(ctx, x, depthwiseToOihw(dk), undefined, g, cin, `${ctx.name}_depthwise`);
  const p = conv(ctx, d, hwioToOihw(pk), bias, { kernel: [1, 1], strides: [1, 1], dil: [1, 1], padding: 'valid' }, 1, ctx.name);
  return [applyActivation(ctx, p)];
};

const convTranspose: LayerConverter = (ctx) => {
  const x = ctx.one();
  const g = geom(ctx);
  const [h, wd] = ctx.spatial(x);
  const cin = ctx.channels(x);
  const filters = ctx.dim('filters');
  const k = ctx.weight('kernel', [g.kernel[0], g.kernel[1], filters, cin]);
  const bias = ctx.bool('use_bias', true) ? ctx.weight('bias', [filters]) : undefined;
  const op = ctx.cfg.output_padding;
  const opad = op === undefined || op === null ? [null, null] : ctx.pair('output_padding').map((v) => v) as (number | null)[];
  const wy = tfTransposeWindow(h, g.kernel[0], g.strides[0], g.dil[0], g.padding, opad[0] ?? null);
  const wx = tfTransposeWindow(wd, g.kernel[1], g.strides[1], g.dil[1], g.padding, opad[1] ?? null);
  const b = ctx.b;
  const inputs = [b.as(x, 'nchw').name, b.weight(`${ctx.name}_W`, hwioToOihw(k))];
  if (bias) inputs.push(b.weight(`${ctx.name}_B`, bias));
  const out = b.node('ConvTranspose', ctx.name, inputs, {
    kernel_shape: [...g.kernel], strides: [...g.strides], dilations: [...g.dil], group: 1,
    pads: [wy.before, wx.before, wy.after, wx.after], output_padding: [wy.outputPadding, wx.outputPadding],
  });
  return [applyActivation(ctx, { name: out, shape: [x.shape[0]!, wy.out, wx.out, filters], layout: 'nchw', dtype: 'float32' })];
};

export const CONV_LAYERS: Record<string, LayerConverter> = {
  Conv2D: conv2d,
  Convolution2D: conv2d,
  DepthwiseConv2D: depthwise,
  SeparableConv2D: separable,
  SeparableConvolution2D: separable,
  Conv2DTranspose: convTranspose,
  Deconvolution2D: convTranspose,
};
