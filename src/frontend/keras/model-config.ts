// Keras model_config JSON (as saved in .h5 files and TF.js modelTopology) -> a validated
// description: layers with their class, config and inbound calls, model inputs and outputs.
// Handles Sequential (Keras 2.2 list form and the later {layers} form) and functional models
// (Keras 2 nested-list inbound_nodes and the Keras 3 args/keras_history form).
import { BwvmError } from '../../util/errors.js';

export interface TensorRef { layer: string; node: number; tensor: number }

export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** One entry per call of the layer (shared layers are called several times): its inputs. */
  calls: TensorRef[][];
}

export interface KerasModel {
  name: string;
  className: string;
  layers: KerasLayer[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function bad(file: string, msg: string): never {
  throw new BwvmError('KERAS_CONFIG', `${file}: model_config: ${msg}`, { hint: 'the file is not a Keras model saved by Keras 2/3 or tf.keras; re-save it with model.save("model.h5")' });
}

/** Parse the JSON text of a model_config attribute. */
export function parseModelConfigText(text: string, file: string): KerasModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BwvmError('KERAS_CONFIG_JSON', `${file}: model_config is not valid JSON (${(e as Error).message})`, { hint: 'the file is damaged or not written by Keras' });
  }
  return parseModelConfig(json, file);
}

export function parseModelConfig(json: unknown, file: string): KerasModel {
  if (!isObj(json) || typeof json.class_name !== 'string') bad(file, 'expected an object with class_name and config');
  const cls = json.class_name;
  if (cls === 'Sequential') return sequential(json.config, file);
  if (cls === 'Functional' || cls === 'Model') return functional(json.config, cls, file);
  throw new BwvmError('KERAS_UNKNOWN_MODEL', `${file}: model class '${cls}' is not Sequential or Functional`, { hint: 'subclassed/custom models carry code, not a graph; export the model as a functional or Sequential Keras model' });
}

function layerOf(l: unknown, i: number, file: string): KerasLayer {
  if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) bad(file, `layer #${i} lacks class_name/config`);
  const name = typeof l.name === 'string' ? l.name : l.config.name;
  if (typeof name !== 'string' || name === '') bad(file, `layer #${i} (${l.class_name}) has no name`);
  return { className: l.class_name, name, config: l.config, calls: [] };
}

function sequential(config: unknown, file: string): KerasModel {
  const list = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : bad(file, 'Sequential config has no layer list');
  const name = isObj(config) && typeof config.name === 'string' ? config.name : 'sequential';
  const layers = list.map((l, i) => layerOf(l, i, file));
  if (layers.length === 0) bad(file, 'Sequential model has no layers');
  if (layers[0]!.className !== 'InputLayer') {
    const c = layers[0]!.config;
    const shape = Array.isArray(c.batch_input_shape) ? c.batch_input_shape : Array.isArray(c.batch_shape) ? c.batch_shape
      : Array.isArray(c.input_shape) ? [null, ...c.input_shape] : bad(file, `first layer '${layers[0]!.name}' declares no input shape`);
    layers.unshift({ className: 'InputLayer', name: `${layers[0]!.name}_input`, config: { batch_input_shape: shape, dtype: c.dtype ?? 'float32' }, calls: [] });
  }
  for (let i = 1; i < layers.length; i++) layers[i]!.calls = [[{ layer: layers[i - 1]!.name, node: 0, tensor: 0 }]];
  const last = layers[layers.length - 1]!.name;
  return { name, className: 'Sequential', layers, inputs: [{ layer: layers[0]!.name, node: 0, tensor: 0 }], outputs: [{ layer: last, node: 0, tensor: 0 }] };
}

function ref(x: unknown, file: string, where: string): TensorRef {
  if (Array.isArray(x) && typeof x[0] === 'string') {
    const node = x[1] ?? 0, tensor = x[2] ?? 0;
    if (Number.isInteger(node) && Number.isInteger(tensor) && (node as number) >= 0 && (tensor as number) >= 0) return { layer: x[0], node: node as number, tensor: tensor as number };
  }
  return bad(file, `${where}: malformed tensor reference ${JSON.stringify(x)?.slice(0, 80)}`);
}

/** Keras 3 call args: nested lists/objects holding {class_name:'__keras_tensor__', config:{keras_history}}. */
function kerasTensors(x: unknown, out: TensorRef[], file: string, where: string): void {
  if (Array.isArray(x)) { for (const e of x) kerasTensors(e, out, file, where); return; }
  if (!isObj(x)) return;
  if (x.class_name === '__keras_tensor__' && isObj(x.config)) { out.push(ref(x.config.keras_history, file, where)); return; }
}

function callsOf(l: Record<string, unknown>, name: string, file: string): TensorRef[][] {
  const nodes = l.inbound_nodes;
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes)) bad(file, `layer '${name}': inbound_nodes is not a list`);
  return nodes.map((n, i) => {
    const where = `layer '${name}' call ${i}`;
    if (Array.isArray(n)) return n.map((r) => ref(r, file, where));
    if (isObj(n)) { const out: TensorRef[] = []; kerasTensors(n.args, out, file, where); return out; }
    return bad(file, `${where}: malformed inbound node`);
  });
}

function refList(x: unknown, file: string, what: string): TensorRef[] {
  if (!Array.isArray(x) || x.length === 0) bad(file, `${what} missing`);
  if (typeof x[0] === 'string') return [ref(x, file, what)];
  return x.map((r) => ref(r, file, what));
}

function functional(config: unknown, cls: string, file: string): KerasModel {
  if (!isObj(config) || !Array.isArray(config.layers)) bad(file, `${cls} config has no layer list`);
  const layers = config.layers.map((l, i) => {
    const k = layerOf(l, i, file);
    k.calls = callsOf(l as Record<string, unknown>, k.name, file);
    return k;
  });
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) bad(file, `two layers are named '${l.name}'`);
    names.add(l.name);
  }
  const inputs = refList(config.input_layers, file, 'input_layers');
  const outputs = refList(config.output_layers, file, 'output_layers');
  for (const r of [...inputs, ...outputs, ...layers.flatMap((l) => l.calls.flat())]) {
    if (!names.has(r.layer)) bad(file, `reference to unknown layer '${r.layer}'`);
  }
  return { name: typeof config.name === 'string' ? config.name : 'model', className: cls, layers, inputs, outputs };
}
