// Datasets held by a session (by name), with the "current" one that training magics use.
import type { Dataset } from '../bwdnn/data/dataset.js';
import { BwvmError } from '../util/errors.js';
import { storeKey } from './store.js';
import type { Session } from './session.js';

export const DATASETS = storeKey<Dataset>('dataset');

export function getDataset(session: Session, name?: string): Dataset | undefined {
  if (name === undefined) return session.store.current(DATASETS)?.value;
  const d = session.store.get(DATASETS, name);
  if (!d) {
    const names = session.store.entries(DATASETS).map(([k]) => k);
    throw new BwvmError('dataset-unknown', `no dataset named '${name}' in this session`, { hint: names.length ? `loaded datasets: ${names.join(', ')}` : 'load one with %dataset fashion-mnist --split train' });
  }
  return d;
}
