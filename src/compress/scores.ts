// Importance scores of every prunable group for one criterion; for 'taylor' the parameter
// gradients are measured first on labelled data (taylor.ts), so callers (magics, CLI) need not
// know which criteria need data.
import type { Graph } from '../ir/types.js';
import type { Dataset } from '../bwdnn/data/dataset.js';
import { BwvmError } from '../util/errors.js';
import type { ChannelGroup } from './groups.js';
import { importance, type Criterion } from './criteria.js';
import { taylorGradients, type TaylorOptions } from './taylor.js';

export interface ScoreOptions {
  seed?: number;
  /** Labelled data for data-driven criteria (taylor). */
  data?: Dataset;
  taylor?: TaylorOptions;
}

export function groupScores(g: Graph, groups: ChannelGroup[], criterion: Criterion, o: ScoreOptions = {}): Map<number, Float64Array> {
  let grads: Map<string, Float32Array> | undefined;
  if (criterion === 'taylor') {
    if (!o.data) throw new BwvmError('CRITERION_TAYLOR', 'the taylor criterion needs labelled data to measure gradients', { hint: 'load a training set with %dataset (or pass data)' });
    grads = taylorGradients(g, o.data, o.taylor);
  }
  return new Map(groups.filter((x) => !x.locked).map((x) => [x.id, importance(g, x, criterion, { seed: o.seed ?? 1, ...(grads ? { grads } : {}) })]));
}
