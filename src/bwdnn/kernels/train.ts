// Training kernels on arena pointers (the fast engine's batch-norm, ReLU and max-pool rows): ReLU
// gradient, per-channel batch statistics and gradient sums (f64 per channel), the two-input
// per-channel affine and the 2x2 stride-2 max-pool gradient, split across threads by channel or
// plane when the tensor is large enough to pay for a fork-join (eltwise.ts's threshold).
import { elementThreads as parts } from './eltwise.js';
import type { DnnRuntime } from './runtime.js';
import { splitRange } from './runtime.js';

/** dx = x > 0 ? dy : 0 over n floats. */
export function reluGradPtr(rt: DnnRuntime, x: number, dy: number, dx: number, n: number): void {
  rt.parallel('reluGrad', splitRange(n, parts(rt, n), 16).map(([s, e]) => (e <= s ? null : [x + 4 * s, dy + 4 * s, dx + 4 * s, e - s])));
}

/** Per-channel [mean, sum of squared deviations] of x [N, C, HW] (2C doubles). */
export function bnStatsPtr(rt: DnnRuntime, x: number, N: number, C: number, HW: number): Float64Array {
  return perChannel(rt, 'bnStats', N, C, HW, (out, c0, c1) => [x, N, C, HW, out, c0, c1]);
}

/** Per-channel [sum dy, sum dy*xhat] over [N, C, HW] (2C doubles). */
export function bnGradSumsPtr(rt: DnnRuntime, dy: number, xhat: number, N: number, C: number, HW: number): Float64Array {
  return perChannel(rt, 'bnGradSums', N, C, HW, (out, c0, c1) => [dy, xhat, N, C, HW, out, c0, c1]);
}

function perChannel(rt: DnnRuntime, k: 'bnStats' | 'bnGradSums', N: number, C: number, HW: number, args: (out: number, c0: number, c1: number) => number[]): Float64Array {
  const out = rt.arena.alloc(16 * C);
  try {
    rt.parallel(k, splitRange(C, Math.min(C, parts(rt, N * C * HW))).map(([s, e]) => (e <= s ? null : args(out, s, e))));
    return new Float64Array(rt.memory.buffer, out, 2 * C).slice();
  } finally { rt.arena.free(out); }
}

/** y[n,c,:] = a[n,c,:]*sa[c] + b[n,c,:]*sb[c] + t[c] (sa, sb, t: arena pointers to C floats). */
export function affine2Ptr(rt: DnnRuntime, a: number, b: number, y: number, N: number, C: number, HW: number, sa: number, sb: number, t: number): void {
  rt.parallel('affine2', splitRange(N * C, parts(rt, N * C * HW)).map(([s, e]) => (e <= s ? null : [a, b, y, C, HW, sa, sb, t, s, e])));
}

/** MaxPool 2x2 stride 2 gradient over `planes` planes of H x W (dx written whole: zeros but each window's first maximum). */
export function maxPool2x2GradPtr(rt: DnnRuntime, x: number, dy: number, dx: number, planes: number, H: number, W: number, OH: number, OW: number): void {
  rt.parallel('maxPool2x2Grad', splitRange(planes, Math.min(planes, parts(rt, planes * H * W))).map(([s, e]) => (e <= s ? null : [x, dy, dx, H, W, OH, OW, s, e])));
}
