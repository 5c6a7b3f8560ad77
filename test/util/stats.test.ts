// Welch's t-test and the Student t tail against values computed with scipy 1.10
// (stats.t.sf, stats.beta.cdf, stats.ttest_ind_from_stats(..., equal_var=False), stats.ttest_rel).
import { describe, expect, it } from 'vitest';
import { incompleteBeta, mean, pairedT, sampleStd, tTwoSided, welch } from '../../src/util/stats.js';

describe('stats', () => {
  it('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(sampleStd([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(sampleStd([5])).toBe(0);
  });

  it('incomplete beta and the two-sided t tail match scipy', () => {
    expect(incompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.018927124071945658, 10);
    expect(tTwoSided(2.0, 4)).toBeCloseTo(0.1161165235168155, 10);
    expect(tTwoSided(0.5, 2.3)).toBeCloseTo(0.6608724348847558, 10);
    expect(tTwoSided(10, 1)).toBeCloseTo(0.06345103486110712, 10);
    expect(tTwoSided(0, 3)).toBeCloseTo(1, 12);
  });

  it("Welch's test from summary statistics matches scipy's ttest_ind_from_stats", () => {
    const a = welch({ mean: 0.9276, std: 0.0006, n: 3 }, { mean: 0.9271, std: 0.0005, n: 3 });
    expect(a.t).toBeCloseTo(1.1088319064317371, 8);
    expect(a.p).toBeCloseTo(0.3315484856714278, 8);
    const b = welch({ mean: 0.9233, std: 0.0033, n: 3 }, { mean: 0.9257, std: 0.0006, n: 3 });
    expect(b.t).toBeCloseTo(-1.2393546707863516, 8);
    expect(b.p).toBeCloseTo(0.3342385541584453, 8);
    expect(b.diff).toBeCloseTo(-0.0024, 12);
  });

  it('degenerate samples: no spread, or a single value', () => {
    expect(welch({ mean: 1, std: 0, n: 3 }, { mean: 0.5, std: 0, n: 3 }).p).toBe(0);
    expect(welch({ mean: 1, std: 0, n: 3 }, { mean: 1, std: 0, n: 3 }).p).toBe(1);
    expect(welch({ mean: 1, std: 0, n: 1 }, { mean: 0.5, std: 0.1, n: 3 }).p).toBeNaN();
  });

  it("the paired t-test matches scipy's ttest_rel", () => {
    const a = pairedT([0.9263, 0.9281, 0.9268], [0.9274, 0.9283, 0.9275]);
    expect(a.t).toBeCloseTo(-2.5607375986578775, 8);
    expect(a.p).toBeCloseTo(0.12462378093518628, 8);
    expect(a.df).toBe(2);
    const b = pairedT([0.91, 0.93, 0.92, 0.95, 0.9], [0.9, 0.925, 0.921, 0.94, 0.899]);
    expect(b.t).toBeCloseTo(2.214037213850238, 8);
    expect(b.p).toBeCloseTo(0.09121527940332651, 8);
    expect(b.diff).toBeCloseTo(0.005, 12);
    // a shared offset per pair is what pairing removes: Welch sees noise, the paired test a constant gap
    expect(pairedT([1.1, 2.1, 3.1], [1, 2, 3]).p).toBe(0);
    expect(pairedT([1, 2], [1, 2]).p).toBe(1);
    expect(pairedT([1], [0]).p).toBeNaN();
    expect(() => pairedT([1, 2], [1])).toThrow(/pairs must match/);
  });
});
