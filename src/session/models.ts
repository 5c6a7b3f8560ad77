// Models held by a session: loaded files and zoo networks by name, the "current" model that
// model magics act on by default, and a lookup that names the loaded models when one is missing.
import type { Graph } from '../ir/types.js';
import { BwvmError } from '../util/errors.js';
import { storeKey } from './store.js';
import type { Session } from './session.js';

export interface ModelEntry {
  name: string;
  graph: Graph;
  /** File path or 'zoo:NAME'. */
  source: string;
  format: string;
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
