// Keras HDF5 importer: model_config + weights of a .h5 file (Keras 2.x / tf.keras layouts) ->
// graph IR. The file is read into memory once; h5wasm never touches the host file system.
import type { Graph } from '../../ir/index.js';
import { BwvmError } from '../../util/errors.js';
import { attrString, openH5 } from './h5file.js';
import { readH5Weights } from './h5-weights.js';
import { lowerKeras } from './lower.js';
import { parseModelConfigText } from './model-config.js';

export async function importKerasH5(path: string): Promise<Graph> {
  const h = await openH5(path);
  try {
    const text = attrString(h.file, 'model_config', path);
    if (text === undefined) {
      throw new BwvmError('KERAS_NO_CONFIG', `${path}: no model_config attribute: this is a weights-only file (save_weights) or not a Keras model`, { hint: 'save the whole model with model.save("model.h5")' });
    }
    const model = parseModelConfigText(text, path);
    const weights = readH5Weights(h);
    const meta: Record<string, string> = { format: 'keras-h5' };
    const kv = attrString(h.file, 'keras_version', path);
    if (kv) meta.producer = `keras ${kv}`;
    return lowerKeras(model, weights, path, meta);
  } finally {
    h.close();
  }
}
