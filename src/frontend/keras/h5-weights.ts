// Keras weights in an HDF5 file: model_weights/<layer>/<weight name> datasets listed by the
// layer_names / weight_names attributes (full-model files), or the same tree at the root
// (save_weights files). Returns per-layer float32 tensors keyed by short name ('kernel', 'bias').
import { Dataset, Group } from 'h5wasm';
import type { Tensor } from '../../ir/index.js';
import { BwvmError } from '../../util/errors.js';
import { attrStrings, guard, type H5Handle } from './h5file.js';

export type LayerWeights = Map<string, Map<string, Tensor>>;

/** 'conv2d/kernel:0' -> 'kernel'. */
export const shortWeightName = (n: string): string => (n.split('/').pop() ?? n).replace(/:\d+$/, '');

function toTensor(ds: Dataset, where: string, path: string): Tensor {
  return guard(path, where, () => {
    const meta = ds.metadata;
    const shape = ds.shape ?? [];
    if (meta.type !== 1 /* H5T_FLOAT */ || (meta.size !== 4 && meta.size !== 8)) {
      throw new BwvmError('KERAS_WEIGHT_DTYPE', `${path}: weight ${where} has dtype '${String(ds.dtype)}'; only float32/float64 weights are supported`, { hint: 'convert the model to float32 before importing (quantized Keras weights are not supported)' });
    }
    const v = ds.value;
    const data = v instanceof Float32Array ? v : v instanceof Float64Array ? Float32Array.from(v) : undefined;
    if (!data) throw new BwvmError('KERAS_H5_PARSE', `${path}: cannot read weight ${where}`);
    return { dtype: 'float32', shape: [...shape], data };
  });
}

function collect(g: Group, out: Map<string, Tensor>, path: string): void {
  for (const k of guard(path, g.path, () => g.keys())) {
    const e = guard(path, `${g.path}/${k}`, () => g.get(k));
    if (e instanceof Group) collect(e, out, path);
    else if (e instanceof Dataset) out.set(shortWeightName(k), toTensor(e, e.path, path));
  }
}

/** All layer weights of the file; layers without weights are absent from the map. */
export function readH5Weights(h: H5Handle): LayerWeights {
  const { file, path } = h;
  const mw = guard(path, 'model_weights', () => (file.keys().includes('model_weights') ? file.get('model_weights') : file));
  if (!(mw instanceof Group)) throw new BwvmError('KERAS_H5_PARSE', `${path}: model_weights is not a group`);
  const names = attrStrings(mw, 'layer_names', path) ?? guard(path, mw.path, () => mw.keys());
  const out: LayerWeights = new Map();
  for (const layer of names) {
    const g = guard(path, `layer group '${layer}'`, () => mw.get(layer));
    if (!(g instanceof Group)) {
      throw new BwvmError('KERAS_WEIGHTS', `${path}: layer '${layer}' is listed in layer_names but has no weight group`, { hint: 'the file is incomplete; re-save the model' });
    }
    const ws = new Map<string, Tensor>();
    const wnames = attrStrings(g, 'weight_names', path);
    if (wnames) {
      for (const wn of wnames) {
        const ds = guard(path, `weight '${wn}'`, () => g.get(wn));
        if (!(ds instanceof Dataset)) {
          throw new BwvmError('KERAS_WEIGHTS', `${path}: weight '${wn}' of layer '${layer}' is missing (or is an external link)`, { hint: 'the file is incomplete; re-save the model' });
        }
        ws.set(shortWeightName(wn), toTensor(ds, `'${wn}' of layer '${layer}'`, path));
      }
    } else {
      collect(g, ws, path);
    }
    if (ws.size > 0) out.set(layer, ws);
  }
  return out;
}
