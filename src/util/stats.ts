// Small-sample statistics for experiment reports: mean, sample standard deviation, Welch's
// two-sample t-test (unequal variances) and the paired t-test, with the Student t distribution's
// two-sided p-value.

export const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function sampleStd(v: number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, 9 terms), accurate to ~1e-15 for x > 0
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d; d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-14) break;
  }
  return f;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of a Student t statistic with `df` degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface SampleStats { mean: number; std: number; n: number }
export interface TTestResult { diff: number; se: number; t: number; df: number; p: number }

/** Welch's t-test of a.mean - b.mean from each sample's mean, sample std and size. With fewer
 * than two values in a sample p is NaN (no spread to judge by); with zero spread in both, p is 0
 * for a nonzero difference and 1 for none. */
export function welch(a: SampleStats, b: SampleStats): TTestResult {
  const diff = a.mean - b.mean;
  const va = a.std ** 2 / a.n, vb = b.std ** 2 / b.n;
  const se = Math.sqrt(va + vb);
  if (a.n < 2 || b.n < 2) return { diff, se, t: NaN, df: NaN, p: NaN };
  if (se === 0) return { diff, se, t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: a.n + b.n - 2, p: diff === 0 ? 1 : 0 };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = diff / se;
  return { diff, se, t, df, p: tTwoSided(t, df) };
}

/** Paired t-test of mean(a - b) over matched pairs (a[i] with b[i], e.g. two methods run on the same
 * seed). Pairing removes what a pair shares (the seed's data order), so it sees smaller differences
 * than Welch's test when the pairs are correlated. NaN p below two pairs; with identical
 * differences, p is 0 for a nonzero mean difference and 1 for none. */
export function pairedT(a: number[], b: number[]): TTestResult {
  if (a.length !== b.length) throw new Error(`pairedT: ${a.length} values against ${b.length}; pairs must match one to one`);
  const d = a.map((x, i) => x - b[i]!);
  const n = d.length, diff = n ? mean(d) : NaN;
  if (n < 2) return { diff, se: NaN, t: NaN, df: NaN, p: NaN };
  const se = sampleStd(d) / Math.sqrt(n);
  if (se === 0) return { diff, se, t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: n - 1, p: diff === 0 ? 1 : 0 };
  const t = diff / se;
  return { diff, se, t, df: n - 1, p: tTwoSided(t, n - 1) };
}
