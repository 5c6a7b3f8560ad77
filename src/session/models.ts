// Models held by a session: loaded files and zoo networks by name (with the shipped pretrained
// weights when there are some), the "current" model that model magics act on by default, and a
// lookup that names the loaded models when one is missing.
import type { Graph } from '../ir/types.js';
import { BwvmError } from '../util/errors.js';
import { zooModel } from '../bwdnn/zoo/index.js';
import { shippedCheckpoint, type ZooRecord } from '../bwdnn/zoo/pretrained.js';
import { loadNative } from '../frontend/native/index.js';
import { storeKey } from './store.js';
import type { Session } from './session.js';

export interface ModelEntry {
  name: string;
  graph: Graph;
  /** File path or 'zoo:NAME'. */
  source: string;
  format: string;
  /** Test accuracy etc. of the shipped checkpoint a zoo model was loaded from. */
  pretrained?: ZooRecord;
}

export const MODELS = storeKey<ModelEntry>('model');

/** The model called `name`, or the current one; a clear error when there is none. */
export function getModel(session: Session, name?: string): ModelEntry {
  const names = session.store.entries(MODELS).map(([k]) => k);
  if (name !== undefined) {
    const m = session.store.get(MODELS, name);
    if (!m) throw new BwvmError('model-unknown', `no model named '${name}' in this session`, { hint: names.length ? `loaded models: ${names.join(', ')}` : 'load one first with %load_model PATH|ZOO_NAME' });
    return m;
  }
  const cur = session.store.current(MODELS);
  if (!cur) throw new BwvmError('model-none', 'no model is loaded in this session', { hint: 'load one with %load_model PATH|ZOO_NAME (e.g. %load_model lenet5)' });
  return cur.value;
}

export interface ZooLoadOptions {
  /** Fresh seeded initialization even when a pretrained checkpoint is shipped. */
  random?: boolean;
  seed?: number;
  /** Input [C, H, W]; a pretrained checkpoint applies only to the input it was trained on. */
  input?: [number, number, number];
  /** Where the checkpoints are (default: fixtures/zoo of this checkout or package). */
  checkpointDir?: string;
}

export interface ZooLoad {
  graph: Graph;
  /** The shipped checkpoint's record when its weights were loaded. */
  pretrained?: ZooRecord;
  /** Why a shipped checkpoint was not used (random init asked, other input shape). */
  note?: string;
}

/**
 * Zoo network `name`: the architecture from the zoo table, with the weights (and BN statistics)
 * of the shipped checkpoint (fixtures/zoo/<name>.bwvm) when there is one, unless `random`.
 * The graph's meta records the normalization the checkpoint was trained with.
 */
export function loadZooModel(name: string, o: ZooLoadOptions = {}): ZooLoad {
  const ck = o.checkpointDir !== undefined ? shippedCheckpoint(name, o.checkpointDir) : shippedCheckpoint(name);
  const graph = zooModel(name, { ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.input ? { input: o.input } : {}) });
  if (!ck) return { graph };
  if (o.random) return { graph, note: 'random initialization (--random)' };
  const shipped = loadNative(ck.path);
  const inShape = shipped.inputs[0]!.shape.slice(1).join('x');
  if (o.input && o.input.join('x') !== inShape) return { graph, note: `random initialization: the checkpoint is for ${inShape} inputs` };
  for (const [k, t] of graph.initializers) {
    const s = shipped.initializers.get(k);
    if (!s || s.shape.join(',') !== t.shape.join(',') || s.dtype !== t.dtype) {
      throw new BwvmError('ZOO_CHECKPOINT', `${ck.path}: tensor '${k}' is missing or has another shape than the zoo's ${name}`, { hint: `re-create it with npm run train:zoo -- ${name}, or load with --random` });
    }
    graph.initializers.set(k, { ...t, data: s.data });
  }
  graph.meta = { ...graph.meta, pretrained: ck.path, normalization: JSON.stringify(ck.record.normalization), testAccuracy: String(ck.record.testAccuracy) };
  return { graph, pretrained: ck.record };
}
