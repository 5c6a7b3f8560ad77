// BatchNormalization for training: the forward in training mode (batch statistics, running
// statistics updated with ONNX momentum semantics) and its gradient; in evaluation mode the
// gradient uses the running statistics (frozen BN).
import type { Tensor } from '../../../ir/types.js';
import { f32, type GradCtx, type GradRow } from '../grad.js';

export interface BnCache { xhat: Float32Array; invStd: Float32Array; training: boolean }

/** y = gamma * (x - mean) / sqrt(var + eps) + beta over N, H, W per channel (then max(y, 0)
 * with `relu`: a following ReLU fused); returns the cache. */
export function bnForward(x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, eps: number, momentum: number, training: boolean, y: Float32Array,
  alloc: (n: number) => Float32Array = (n) => new Float32Array(n), relu = false): BnCache {
  const [N, C] = x.shape as [number, number];
  const plane = x.data.length / (N * C), M = N * plane;
  const xd = f32(x), g = f32(gamma), b = f32(beta), rm = f32(mean), rv = f32(variance);
  const xhat = alloc(xd.length), invStd = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let mu = rm[c]!, v = rv[c]!;
    if (training) {
      let s = 0;
      for (let n = 0; n < N; n++) for (let i = 0; i < plane; i++) s += xd[(n * C + c) * plane + i]!;
      mu = s / M;
      let ss = 0;
      for (let n = 0; n < N; n++) for (let i = 0; i < plane; i++) { const d = xd[(n * C + c) * plane + i]! - mu; ss += d * d; }
      v = ss / M;
      rm[c] = momentum * rm[c]! + (1 - momentum) * mu;
      rv[c] = momentum * rv[c]! + (1 - momentum) * (M > 1 ? (ss / (M - 1)) : v);
    }
    const is = 1 / Math.sqrt(v + eps);
    invStd[c] = is;
    for (let n = 0; n < N; n++) for (let i = 0; i < plane; i++) {
      const j = (n * C + c) * plane + i;
      const h = (xd[j]! - mu) * is;
      xhat[j] = h;
      const v = g[c]! * h + b[c]!;
      y[j] = relu ? Math.max(v, 0) : v;
    }
  }
  return { xhat, invStd, training };
}

function bnGrad(c: GradCtx): (Float32Array | undefined)[] {
  const cache = c.cache as BnCache | undefined;
  const X = c.x[0]!;
  const [N, C] = X.shape as [number, number];
  const plane = X.data.length / (N * C), M = N * plane;
  const gamma = f32(c.x[1]!), dy = c.dy;
  // without a training-mode cache (a plain inference forward), recompute xhat from running stats
  const eps = c.attr<number>('epsilon');
  const own = cache ?? bnForward(X, c.x[1]!, c.x[2]!, c.x[3]!, c.x[4]!, eps, 1, false, new Float32Array(X.data.length));
  const dx = c.need[0] ? c.alloc(X.data.length) : undefined;
  const dg = new Float32Array(C), db = new Float32Array(C);
  for (let ch = 0; ch < C; ch++) {
    let sdy = 0, sdyx = 0;
    for (let n = 0; n < N; n++) for (let i = 0; i < plane; i++) { const j = (n * C + ch) * plane + i; sdy += dy[j]!; sdyx += dy[j]! * own.xhat[j]!; }
    dg[ch] = sdyx;
    db[ch] = sdy;
    if (!dx) continue;
    const k = gamma[ch]! * own.invStd[ch]!;
    for (let n = 0; n < N; n++) for (let i = 0; i < plane; i++) {
      const j = (n * C + ch) * plane + i;
      dx[j] = own.training ? (k / M) * (M * dy[j]! - sdy - own.xhat[j]! * sdyx) : k * dy[j]!;
    }
  }
  return [dx, c.need[1] ? dg : undefined, c.need[2] ? db : undefined];
}

export const NORM_GRADS: Record<string, GradRow> = {
  BatchNormalization: { trainable: [1, 2], grad: bnGrad },
};
