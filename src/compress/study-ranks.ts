// Ranks of the study's strategies across its parts (model x budget): for each part, strategies are
// ranked by mean accuracy before and after fine-tuning (1 = best; ties share the mean of their
// ranks), then each strategy's ranks are averaged over the parts it ran in. It is the summary
// pruning papers give over many settings, where one part's margin is inside the seed spread.
import type { Strategy } from './allocate.js';
import type { StudySummary } from './study.js';

export interface StrategyRank {
  strategy: Strategy;
  /** Parts (model x budget) the strategy ran in. */
  parts: number;
  meanRankBefore: number; meanRankAfter: number;
  /** Parts where it had the best mean accuracy after fine-tuning (shared on a tie). */
  firstAfter: number;
}

/** Ranks 1..n of `values` (larger is better), ties sharing the mean of their positions. */
export function descendingRanks(values: number[]): number[] {
  const idx = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]!] === values[idx[i]!]) j++;
    for (let k = i; k <= j; k++) ranks[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

export function studyRanks(summary: StudySummary[]): StrategyRank[] {
  const parts = new Map<string, StudySummary[]>();
  for (const s of summary) { const k = `${s.model}|${s.budget}`; parts.set(k, [...(parts.get(k) ?? []), s]); }
  const acc = new Map<Strategy, { parts: number; before: number; after: number; first: number }>();
  for (const at of parts.values()) {
    const before = descendingRanks(at.map((s) => s.meanBefore)), after = descendingRanks(at.map((s) => s.meanAfter));
    const best = Math.min(...after);
    at.forEach((s, i) => {
      const a = acc.get(s.strategy) ?? { parts: 0, before: 0, after: 0, first: 0 };
      a.parts++; a.before += before[i]!; a.after += after[i]!;
      if (after[i] === best) a.first++;
      acc.set(s.strategy, a);
    });
  }
  return [...acc].map(([strategy, a]) => ({ strategy, parts: a.parts, meanRankBefore: a.before / a.parts, meanRankAfter: a.after / a.parts, firstAfter: a.first }))
    .sort((x, y) => x.meanRankAfter - y.meanRankAfter);
}
