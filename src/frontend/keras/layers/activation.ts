// Keras activation layers: Activation, ReLU (max_value, negative_slope), LeakyReLU, Softmax,
// and the fused `activation` of Conv/Dense layers.
import { ACTIVATIONS, activationName, softmaxEmit } from '../activations.js';
import type { Value } from '../builder.js';
import type { LayerConverter, LayerCtx } from './context.js';

/** Apply config key `key` (default 'activation') to v; unknown names are refused. */
export function applyActivation(ctx: LayerCtx, v: Value, key = 'activation'): Value {
  const raw = ctx.cfg[key] ?? 'linear';
  const name = activationName(raw);
  const emit = name === undefined ? undefined : ACTIVATIONS[name];
  if (!emit) {
    ctx.fail('KERAS_UNKNOWN_ACTIVATION', `activation ${JSON.stringify(raw)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`,
      'custom activations are code and are never run; replace it with a built-in activation');
  }
  return emit(ctx.b, v, name === 'linear' ? ctx.name : `${ctx.name}_${name}`);
}

const activation: LayerConverter = (ctx) => [applyActivation(ctx, ctx.one())];

const relu: LayerConverter = (ctx) => {
  const x = ctx.one();
  const slope = ctx.num('negative_slope', 0);
  const threshold = ctx.num('threshold', 0);
  if (threshold !== 0) ctx.fail('KERAS_UNSUPPORTED_CONFIG', `threshold ${threshold} is not supported (only 0)`);
  const max = ctx.cfg.max_value;
  if (max !== undefined && max !== null && typeof max !== 'number') ctx.fail('KERAS_CONFIG', "'max_value' must be a number or null");
  const b = ctx.b;
  if (slope === 0 && typeof max === 'number') {
    return [{ ...x, name: b.node('Clip', ctx.name, [x.name, b.scalar(`${ctx.name}_min`, 0), b.scalar(`${ctx.name}_max`, max)]) }];
  }
  const y = slope === 0 ? b.node('Relu', ctx.name, [x.name]) : b.node('LeakyRelu', ctx.name, [x.name], { alpha: slope });
  if (typeof max !== 'number') return [{ ...x, name: y }];
  return [{ ...x, name: b.node('Clip', `${ctx.name}_max`, [y, b.scalar(`${ctx.name}_lo`, -3.4028234663852886e38), b.scalar(`${ctx.name}_hi`, max)]) }];
};

const leakyRelu: LayerConverter = (ctx) => {
  const x = ctx.one();
  const alpha = ctx.has('negative_slope') ? ctx.num('negative_slope') : ctx.num('alpha', 0.3);
  return [{ ...x, name: ctx.b.node('LeakyRelu', ctx.name, [x.name], { alpha }) }];
};

const softmax: LayerConverter = (ctx) => {
  const x = ctx.one();
  const axis = ctx.cfg.axis ?? -1;
  if (axis !== -1 && axis !== x.shape.length - 1) ctx.fail('KERAS_UNSUPPORTED_CONFIG', `softmax over axis ${JSON.stringify(axis)} is not supported (only the last axis)`);
  return [softmaxEmit(ctx.b, x, ctx.name)];
};

export const ACTIVATION_LAYERS: Record<string, LayerConverter> = {
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  Softmax: softmax,
};
