// Keras BatchNormalization (inference form, channel axis last) -> IR BatchNormalization on the
// NCHW value (or the 2-D value after Dense); absent gamma/beta (scale/center false) become 1/0.
import type { Tensor } from '../../../ir/index.js';
import type { LayerConverter } from './context.js';

const batchNorm: LayerConverter = (ctx) => {
  const x = ctx.one();
  const rank = x.shape.length;
  const ax = Array.isArray(ctx.cfg.axis) && ctx.cfg.axis.length === 1 ? ctx.cfg.axis[0] : (ctx.cfg.axis ?? -1);
  if (ax !== -1 && ax !== rank - 1) ctx.fail('KERAS_UNSUPPORTED_CONFIG', `normalization over axis ${JSON.stringify(ctx.cfg.axis)} is not supported (only the channel axis, -1)`);
  if (rank !== 2 && rank !== 4) ctx.fail('KERAS_SHAPE', `expects a 2-D or 4-D input, got rank ${rank}`);
  const c = ctx.channels(x);
  const fill = (v: number): Tensor => ({ dtype: 'float32', shape: [c], data: new Float32Array(c).fill(v) });
  const gamma = ctx.bool('scale', true) ? ctx.weight('gamma', [c]) : fill(1);
  const beta = ctx.bool('center', true) ? ctx.weight('beta', [c]) : fill(0);
  const mean = ctx.weight('moving_mean', [c]);
  const variance = ctx.weight('moving_variance', [c]);
  const eps = ctx.num('epsilon', 1e-3);
  if (!(eps >= 0)) ctx.fail('KERAS_CONFIG', `epsilon ${eps} must be >= 0`);
  const b = ctx.b;
  const xin = b.as(x, 'nchw');
  const ins = [xin.name, b.weight(`${ctx.name}_gamma`, gamma), b.weight(`${ctx.name}_beta`, beta), b.weight(`${ctx.name}_mean`, mean), b.weight(`${ctx.name}_var`, variance)];
  return [{ ...xin, name: b.node('BatchNormalization', ctx.name, ins, { epsilon: eps }) }];
};

export const NORM_LAYERS: Record<string, LayerConverter> = { BatchNormalization: batchNorm };
