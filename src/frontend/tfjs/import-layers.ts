// TF.js layers models: modelTopology holds a Keras model_config, the manifest holds weights
// named '<layer>/<weight>' (possibly under a model scope); both go through the Keras lowering.
import type { Graph, Tensor } from '../../ir/index.js';
import { BwvmError } from '../../util/errors.js';
import { checkLayers, lowerKeras, type WeightsByLayer } from '../keras/lower.js';
import { parseModelConfig, type KerasModel } from '../keras/model-config.js';
import { shortWeightName } from '../keras/h5-weights.js';
import { readWeights } from './weights.js';
import type { TfjsModelJson } from './model-json.js';

/** Group manifest weights by the layer named in their path ('model/conv2d/kernel' -> conv2d). */
export function weightsByLayer(model: KerasModel, weights: Map<string, Tensor>, file: string): WeightsByLayer {
  const layers = new Set(model.layers.map((l) => l.name));
  const out: WeightsByLayer = new Map();
  for (const [name, t] of weights) {
    const parts = name.split('/');
    const layer = parts.slice(0, -1).reverse().find((p) => layers.has(p));
    if (!layer) throw new BwvmError('TFJS_WEIGHTS', `${file}: weight '${name}' names no layer of the model`, { hint: 'the weights belong to another model; re-convert it' });
    const m = out.get(layer) ?? new Map<string, Tensor>();
    m.set(shortWeightName(name), t);
    out.set(layer, m);
  }
  return out;
}

export function importTfjsLayers(m: TfjsModelJson): Graph {
  const topo = m.topology;
  const cfg = topo.model_config ?? topo;
  const model = parseModelConfig(cfg, m.file);
  checkLayers(model, m.file); // refuse custom/Lambda layers before touching any shard
  const weights = readWeights(m.manifest, m.dir, m.file);
  const meta: Record<string, string> = { format: 'tfjs-layers' };
  const by = m.doc.convertedBy ?? m.doc.generatedBy;
  if (typeof by === 'string') meta.producer = by;
  return lowerKeras(model, weightsByLayer(model, weights, m.file), m.file, meta);
}
