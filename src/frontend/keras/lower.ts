// Lowering a parsed Keras model (layers + weights) to the NCHW graph IR through the layer table.
// Shared by the .h5 and TF.js layers-model importers. Refuses code-carrying and unknown layers
// before emitting anything; the graph keeps the Keras (channels-last) inputs and outputs.
import type { Dim, Graph, Tensor } from '../../ir/index.js';
import { BwvmError } from '../../util/errors.js';
import { GraphBuilder, type Value } from './builder.js';
import { LayerCtx } from './layers/context.js';
import { CODE_LAYERS, KERAS_LAYERS } from './layers/index.js';
import type { KerasLayer, KerasModel, TensorRef } from './model-config.js';

export type WeightsByLayer = Map<string, Map<string, Tensor>>;

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Refuse Lambda/custom/unknown layers up front, naming layer, class and file. */
export function checkLayers(model: KerasModel, file: string): void {
  for (const l of model.layers) {
    if (l.className === 'InputLayer' || Object.hasOwn(KERAS_LAYERS, l.className)) continue;
    if (CODE_LAYERS.has(l.className)) {
      throw new BwvmError('KERAS_LAMBDA_REFUSED', `${file}: layer '${l.name}' is a ${l.className} layer: it holds Python code (or calls TensorFlow functions by name), which bwvm never runs`, { hint: 'replace the Lambda with built-in layers and re-save the model' });
    }
    if (MODEL_CLASSES.has(l.className)) {
      throw new BwvmError('KERAS_UNKNOWN_LAYER', `${file}: layer '${l.name}' is a nested ${l.className} model, which is not supported`, { hint: 'flatten the nested model into one functional model before saving' });
    }
    throw new BwvmError('KERAS_UNKNOWN_LAYER', `${file}: layer '${l.name}' has class '${l.className}', which is a custom or unsupported layer`, { hint: `supported layers: InputLayer, ${Object.keys(KERAS_LAYERS).join(', ')}` });
  }
}

/** Refuse NaN/Inf weights: they poison every result downstream. */
export function checkFinite(weights: WeightsByLayer, file: string): void {
  for (const [layer, ws] of weights) {
    for (const [name, t] of ws) {
      const d = t.data;
      if (!(d instanceof Float32Array)) continue;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i]!)) {
          throw new BwvmError('FRONTEND_NONFINITE_WEIGHT', `${file}: weight '${name}' of layer '${layer}' holds ${d[i]} at element ${i}`, { hint: 'the model diverged or the file is damaged; re-train or re-export it' });
        }
      }
    }
  }
}

function inputShape(l: KerasLayer, file: string): Dim[] {
  const c = l.config;
  const raw = c.batch_input_shape ?? c.batch_shape ?? (Array.isArray(c.input_shape) ? [null, ...c.input_shape] : undefined);
  if (!Array.isArray(raw) || raw.length < 2) throw new BwvmError('KERAS_CONFIG', `${file}: input layer '${l.name}' has no batch_input_shape`);
  if (c.dtype !== undefined && c.dtype !== 'float32') {
    throw new BwvmError('KERAS_UNSUPPORTED_CONFIG', `${file}: input layer '${l.name}' has dtype '${String(c.dtype)}'; only float32 inputs are supported`);
  }
  return raw.map((d, i) => {
    if (i === 0 && (d === null || d === -1)) return 'N';
    if (d === null || d === -1) {
      throw new BwvmError('KERAS_DYNAMIC_SHAPE', `${file}: input layer '${l.name}' has an unknown dim ${i} (${JSON.stringify(raw)})`, { hint: 'save the model with a fixed input shape, e.g. Input(shape=(32, 32, 3))' });
    }
    if (!Number.isInteger(d) || d <= 0) throw new BwvmError('KERAS_BAD_DIM', `${file}: input layer '${l.name}' has invalid dim ${JSON.stringify(d)} in ${JSON.stringify(raw)}`);
    return d as number;
  });
}

const key = (r: TensorRef) => `${r.layer}:${r.node}:${r.tensor}`;

export function lowerKeras(model: KerasModel, weights: WeightsByLayer, file: string, meta: Record<string, string> = {}): Graph {
  checkLayers(model, file);
  checkFinite(weights, file);
  const b = new GraphBuilder(model.name, file);
  const values = new Map<string, Value>();
  const pending: { layer: KerasLayer; call: number; refs: TensorRef[] }[] = [];
  for (const l of model.layers) {
    if (l.className === 'InputLayer') values.set(`${l.name}:0:0`, b.input(l.name, inputShape(l, file)));
    else l.calls.forEach((refs, call) => pending.push({ layer: l, call, refs }));
  }
  while (pending.length > 0) {
    const i = pending.findIndex((p) => p.refs.every((r) => values.has(key(r))));
    if (i < 0) {
      const p = pending[0]!;
      const missing = p.refs.find((r) => !values.has(key(r)))!;
      throw new BwvmError('KERAS_CONFIG', `${file}: layer '${p.layer.name}' reads '${missing.layer}' output ${missing.node}:${missing.tensor}, which no layer produces (or the graph has a cycle)`);
    }
    const { layer, call, refs } = pending.splice(i, 1)[0]!;
    if (refs.length === 0) throw new BwvmError('KERAS_CONFIG', `${file}: layer '${layer.name}' (${layer.className}) is called without inputs`);
    const conv = KERAS_LAYERS[layer.className]!;
    const outs = conv(new LayerCtx(b, layer, refs.map((r) => values.get(key(r))!), weights.get(layer.name) ?? new Map()));
    outs.forEach((v, t) => values.set(`${layer.name}:${call}:${t}`, v));
  }
  for (const r of model.outputs) {
    const v = values.get(key(r));
    if (!v) throw new BwvmError('KERAS_CONFIG', `${file}: model output '${r.layer}' ${r.node}:${r.tensor} is never computed`);
    b.output(v, r.layer);
  }
  Object.assign(b.graph.meta, { source: file, inputLayout: 'NHWC (as the Keras model)', ...meta });
  return b.graph;
}
