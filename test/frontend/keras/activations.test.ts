// Keras activations and activation layers, checked value by value against their definitions
// (ReLU with negative_slope/max_value, relu6, hard_sigmoid, hard_swish, swish, elu, softmax).
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/frontend/keras/model-config.js';
import { lowerKeras } from '../../../src/frontend/keras/lower.js';
import { activationName } from '../../../src/frontend/keras/activations.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { BwvmError } from '../../../src/util/errors.js';

const X = [-4, -2.5, -1, -0.2, 0, 0.3, 1, 2.5, 4, 7];
const sig = (v: number) => 1 / (1 + Math.exp(-v));

function apply(layer: { class_name: string; config: Record<string, unknown> }): number[] {
  const m = parseModelConfig({ class_name: 'Sequential', config: { name: 's', layers: [
    { class_name: 'InputLayer', config: { name: 'x', batch_input_shape: [null, X.length] } },
    { ...layer, config: { name: 'act', ...layer.config } },
  ] } }, 'act.h5');
  const g = lowerKeras(m, new Map(), 'act.h5');
  const out = run(g, { x: { dtype: 'float32', shape: [1, X.length], data: Float32Array.from(X) } })[g.outputs[0]!.name]!;
  return Array.from(out.data as Float32Array);
}

const expectClose = (got: number[], want: number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));

describe('Keras activations', () => {
  it('ReLU with negative_slope and max_value', () => {
    expectClose(apply({ class_name: 'ReLU', config: { max_value: 2, negative_slope: 0.1, threshold: 0 } }), X.map((v) => (v < 0 ? 0.1 * v : Math.min(v, 2))));
    expectClose(apply({ class_name: 'ReLU', config: { max_value: null } }), X.map((v) => Math.max(v, 0)));
    expectClose(apply({ class_name: 'LeakyReLU', config: { alpha: 0.3 } }), X.map((v) => (v < 0 ? 0.3 * v : v)));
  });

  it('named activations follow their Keras definitions', () => {
    const table: Record<string, (v: number) => number> = {
      relu6: (v) => Math.min(Math.max(v, 0), 6),
      hard_sigmoid: (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1),
      hard_swish: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6,
      swish: (v) => v * sig(v),
      elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
      tanh: Math.tanh,
      sigmoid: sig,
      linear: (v) => v,
    };
    for (const [name, f] of Object.entries(table)) expectClose(apply({ class_name: 'Activation', config: { activation: name } }), X.map(f));
    const e = X.map(Math.exp), s = e.reduce((a, b) => a + b, 0);
    expectClose(apply({ class_name: 'Activation', config: { activation: 'softmax' } }), e.map((v) => v / s));
  });

  it('normalizes tfjs camelCase and Keras 3 serialized names; refuses unknown ones', () => {
    expect(activationName('hardSigmoid')).toBe('hard_sigmoid');
    expect(activationName({ module: 'keras.activations', class_name: 'function', config: 'relu6' })).toBe('relu6');
    let err: unknown;
    try { apply({ class_name: 'Activation', config: { activation: 'my_secret_fn' } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BwvmError);
    expect((err as BwvmError).code).toBe('KERAS_UNKNOWN_ACTIVATION');
    expect((err as BwvmError).message).toContain("layer 'act' (Activation)");
  });
});
