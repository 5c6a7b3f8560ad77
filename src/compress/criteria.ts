// Channel importance criteria over dependency groups: L1 and L2 norms of the producer filters,
// BN scale |gamma|, first-order Taylor |w * dL/dw| summed over the producer filters (gradients
// handed in by the caller), and seeded random. Higher = more important.
import type { Graph } from '../ir/types.js';
import { strides } from '../ir/shape.js';
import { BwvmError } from '../util/errors.js';
import type { ChannelGroup, Member } from './groups.js';
import { lcg } from '../util/lcg.js';

export type Criterion = 'l1' | 'l2' | 'bn' | 'taylor' | 'random';
export const CRITERIA: readonly Criterion[] = ['l1', 'l2', 'bn', 'taylor', 'random'];

/** Sum f(w, g) over each channel's slice of a member tensor into `acc`. */
function accumulate(g: Graph, m: Member, acc: Float64Array, f: (w: number, i: number) => number): void {
  const t = g.initializers.get(m.tensor)!;
  const dim = t.shape[m.axis]!, inner = strides(t.shape)[m.axis]!, outer = t.data.length / (dim * inner);
  const d = t.data as Float32Array;
  for (let a = 0; a < outer; a++) for (let j = 0; j < dim; j++) {
    const [, ch] = m.map[Math.floor(j / m.block)]!;
    let s = 0;
    const base = (a * dim + j) * inner;
    for (let k = 0; k < inner; k++) s += f(d[base + k]!, base + k);
    acc[ch] += s;
  }
}

export interface CriterionOptions {
  /** dLoss/dParam for 'taylor' (e.g. summed over a few batches by bwdnn's backward). */
  grads?: Map<string, Float32Array>;
  seed?: number;
}

export function importance(g: Graph, group: ChannelGroup, criterion: Criterion, o: CriterionOptions = {}): Float64Array {
  const acc = new Float64Array(group.size);
  const producers = group.members.filter((m) => m.role === 'out' && m.slot === 1);
  switch (criterion) {
    case 'l1': for (const m of producers) accumulate(g, m, acc, (w) => Math.abs(w)); break;
    case 'l2': for (const m of producers) accumulate(g, m, acc, (w) => w * w); break;
    case 'bn': {
      const scales = group.members.filter((m) => m.role === 'norm' && m.slot === 1);
      if (!scales.length) throw new BwvmError('CRITERION_BN', `group of ${group.producers.join(', ')} has no batch-norm scale`, { hint: 'use --criterion l1 for layers without BN' });
      for (const m of scales) accumulate(g, m, acc, (w) => Math.abs(w));
      break;
    }
    case 'taylor': {
      if (!o.grads) throw new BwvmError('CRITERION_TAYLOR', 'the taylor criterion needs gradients', { hint: 'pass grads computed on a few training batches' });
      for (const m of producers) {
        const gr = o.grads.get(m.tensor);
        if (!gr) throw new BwvmError('CRITERION_TAYLOR', `no gradient for '${m.tensor}'`);
        accumulate(g, m, acc, (w, i) => Math.abs(w * gr[i]!));
      }
      break;
    }
    case 'random': {
      const next = lcg(((o.seed ?? 1) * 2654435761 + group.id * 40503) >>> 0, 0);
      for (let i = 0; i < acc.length; i++) acc[i] = next();
      break;
    }
  }
  return acc;
}

/** The `count` most important channels, ascending by index (ties: lower index wins). */
export function topChannels(scores: Float64Array, count: number): number[] {
  const idx = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, count).sort((a, b) => a - b);
}
