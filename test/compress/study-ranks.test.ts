// Strategy ranks across study parts: tie handling and the per-strategy averages.
import { describe, expect, it } from 'vitest';
import { descendingRanks, studyRanks } from '../../src/compress/study-ranks.js';
import type { StudySummary } from '../../src/compress/study.js';

const part = (model: string, budget: number, acc: Record<string, [number, number]>): StudySummary[] =>
  Object.entries(acc).map(([strategy, [meanBefore, meanAfter]]) => ({
    model, budget, strategy: strategy as StudySummary['strategy'], n: 3, meanBefore, meanAfter, stdAfter: 0,
    flops: budget, params: 1, peakActivation: 1, afterBySeed: {},
  }));

describe('study ranks', () => {
  it('ranks descending, ties share the mean of their positions', () => {
    expect(descendingRanks([0.5, 0.9, 0.7])).toEqual([3, 1, 2]);
    expect(descendingRanks([0.9, 0.7, 0.9, 0.1])).toEqual([1.5, 3, 1.5, 4]);
    expect(descendingRanks([])).toEqual([]);
  });

  it('averages each strategy rank over the parts, before and after fine-tuning', () => {
    const r = studyRanks([
      ...part('a', 0.5, { uniform: [0.8, 0.92], deep: [0.7, 0.93], auto: [0.9, 0.91] }),
      ...part('a', 0.3, { uniform: [0.6, 0.90], deep: [0.5, 0.88], auto: [0.7, 0.90] }),
      ...part('b', 0.5, { uniform: [0.8, 0.91], deep: [0.85, 0.92], auto: [0.9, 0.93] }),
    ]);
    const by = Object.fromEntries(r.map((x) => [x.strategy, x]));
    expect(by.auto).toEqual({ strategy: 'auto', parts: 3, meanRankBefore: 1, meanRankAfter: (3 + 1.5 + 1) / 3, firstAfter: 2 });
    expect(by.uniform).toEqual({ strategy: 'uniform', parts: 3, meanRankBefore: (2 + 2 + 3) / 3, meanRankAfter: (2 + 1.5 + 3) / 3, firstAfter: 1 });
    expect(by.deep).toEqual({ strategy: 'deep', parts: 3, meanRankBefore: (3 + 3 + 2) / 3, meanRankAfter: (1 + 3 + 2) / 3, firstAfter: 1 });
    // best mean rank after fine-tuning first
    expect(r.map((x) => x.strategy)).toEqual(['auto', 'deep', 'uniform']);
  });
});
