// model_config parsing: Sequential list/dict forms, functional Keras 2 and Keras 3 inbound
// formats, shared layers called twice, and malformed configs refused with KERAS_* codes.
import { describe, expect, it } from 'vitest';
import { parseModelConfig, parseModelConfigText } from '../../../src/frontend/keras/model-config.js';
import { lowerKeras } from '../../../src/frontend/keras/lower.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { BwvmError } from '../../../src/util/errors.js';

const t = (layer: string, node = 0) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [layer, node, 0] } });

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { if (e instanceof BwvmError) return e.code; throw e; }
  return 'no error';
}

describe('Keras model_config parsing', () => {
  it('Keras 2.2 Sequential list without InputLayer gets a synthesized input', () => {
    const m = parseModelConfig({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 4] } }] }, 'f.h5');
    expect(m.layers.map((l) => [l.className, l.name])).toEqual([['InputLayer', 'd_input'], ['Dense', 'd']]);
    expect(m.layers[1]!.calls).toEqual([[{ layer: 'd_input', node: 0, tensor: 0 }]]);
    expect(m.outputs).toEqual([{ layer: 'd', node: 0, tensor: 0 }]);
  });

  it('Keras 3 args/keras_history inbound nodes and a shared layer called twice', () => {
    const cfg = {
      class_name: 'Functional',
      config: {
        name: 'k3', input_layers: ['x', 0, 0], output_layers: [['act', 1, 0]],
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, 3], dtype: 'float32' }, inbound_nodes: [] },
          { class_name: 'Activation', name: 'act', config: { name: 'act', activation: 'tanh' }, inbound_nodes: [{ args: [t('x')], kwargs: {} }, { args: [t('add')], kwargs: {} }] },
          { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [{ args: [[t('x'), t('act')]], kwargs: {} }] },
        ],
      },
    };
    const m = parseModelConfig(cfg, 'k3.h5');
    expect(m.layers[1]!.calls.length).toBe(2);
    const g = lowerKeras(m, new Map(), 'k3.h5');
    const x = new Float32Array([-1.5, 0.25, 2]);
    const y = run(g, { x: { dtype: 'float32', shape: [1, 3], data: x } })[g.outputs[0]!.name]!.data as Float32Array;
    x.forEach((v, i) => expect(y[i]).toBeCloseTo(Math.tanh(v + Math.tanh(v)), 6));
  });

  it('refuses malformed configs', () => {
    expect(code(() => parseModelConfigText('{"class_name": ', 'a.h5'))).toBe('KERAS_CONFIG_JSON');
    expect(code(() => parseModelConfig({ class_name: 'MyModel', config: {} }, 'a.h5'))).toBe('KERAS_UNKNOWN_MODEL');
    expect(code(() => parseModelConfig({ class_name: 'Sequential', config: { layers: [] } }, 'a.h5'))).toBe('KERAS_CONFIG');
    const layer = (name: string, inbound: unknown) => ({ class_name: 'ReLU', name, config: { name }, inbound_nodes: inbound });
    const fn = (layers: unknown[]) => ({ class_name: 'Functional', config: { layers, input_layers: [['i', 0, 0]], output_layers: [['r', 0, 0]] } });
    const input = { class_name: 'InputLayer', name: 'i', config: { name: 'i', batch_input_shape: [null, 2] }, inbound_nodes: [] };
    expect(code(() => parseModelConfig(fn([input, layer('r', [[['ghost', 0, 0, {}]]])]), 'a.h5'))).toBe('KERAS_CONFIG');
    expect(code(() => parseModelConfig(fn([input, layer('r', [[['i', 0, 0, {}]]]), layer('r', [])]), 'a.h5'))).toBe('KERAS_CONFIG');
    expect(code(() => parseModelConfig(fn([input, layer('r', [[['i', -1, 0, {}]]])]), 'a.h5'))).toBe('KERAS_CONFIG');
    // a cycle: r reads s, s reads r
    const cyc = parseModelConfig(fn([input, layer('r', [[['s', 0, 0, {}]]]), layer('s', [[['r', 0, 0, {}]]])]), 'a.h5');
    expect(code(() => lowerKeras(cyc, new Map(), 'a.h5'))).toBe('KERAS_CONFIG');
  });
});
