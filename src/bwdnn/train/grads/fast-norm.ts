// Fast batch-norm (training forward and gradient) and ReLU gradient on the WebAssembly kernels of
// one runtime, split across its threads: batch statistics and gradient sums per channel, the
// normalisation and the input gradient as per-channel affines. Tensors that are not float32 NCHW,
// and the frozen-BN gradient without a training cache, run the reference rows.
import type { Tensor } from '../../../ir/types.js';
import { channelAffinePtr } from '../../kernels/eltwise.js';
import type { DnnRuntime } from '../../kernels/runtime.js';
import { affine2Ptr, bnGradSumsPtr, bnStatsPtr, reluGradPtr } from '../../kernels/train.js';
import { f32, type GradRow } from '../grad.js';
import { type BnCache, bnForward } from './norm.js';

const isF32 = (t: Tensor | undefined): boolean => t?.data instanceof Float32Array;

/** bnForward (same contract) with the statistics and the normalisation on the kernels; a fused
 * ReLU runs in the second affine's store (no separate activation pass). */
export function fastBnForward(rt: DnnRuntime): typeof bnForward {
  return (x, gamma, beta, mean, variance, eps, momentum, training, y, alloc = (n) => new Float32Array(n), relu = false) => {
    if (!training || !isF32(x) || x.shape.length < 2) return bnForward(x, gamma, beta, mean, variance, eps, momentum, training, y, alloc, relu);
    const [N, C] = x.shape as [number, number];
    const HW = x.data.length / (N * C), M = N * HW;
    const g = f32(gamma), b = f32(beta), rm = f32(mean), rv = f32(variance);
    const xhat = alloc(x.data.length);
    return rt.scope((s): BnCache => {
      const px = s.input(x.data as Float32Array);
      const st = bnStatsPtr(rt, px, N, C, HW);
      const invStd = new Float32Array(C), scale = new Float32Array(C), shift = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        const mu = st[2 * c]!, ss = st[2 * c + 1]!, v = ss / M;
        rm[c] = momentum * rm[c]! + (1 - momentum) * mu;
        rv[c] = momentum * rv[c]! + (1 - momentum) * (M > 1 ? ss / (M - 1) : v);
        const is = 1 / Math.sqrt(v + eps);
        invStd[c] = is; scale[c] = is; shift[c] = -mu * is;
      }
      const ph = s.output(xhat);
      channelAffinePtr(rt, px, ph, N, C, HW, s.input(scale), s.input(shift));
      channelAffinePtr(rt, ph, s.output(y), N, C, HW, s.input(g), s.input(b), relu ? 'relu' : undefined);
      return { xhat, invStd, training: true };
    });
  };
}

/** BatchNormalization gradient: sums per channel, then dx as one two-input affine. */
export function fastBnGrad(rt: DnnRuntime, ref: GradRow): GradRow {
  return {
    trainable: ref.trainable,
    grad: (c) => {
      const cache = c.cache as BnCache | undefined, X = c.x[0]!;
      if (!cache?.training || !isF32(X) || X.shape.length < 2) return ref.grad(c);
      const [N, C] = X.shape as [number, number];
      const HW = X.data.length / (N * C), M = N * HW;
      const gamma = f32(c.x[1]!);
      const dx = c.need[0] ? c.allocUninit(X.data.length) : undefined;
      return rt.scope((s) => {
        const pdy = s.input(c.dy), ph = s.input(cache.xhat);
        const sums = bnGradSumsPtr(rt, pdy, ph, N, C, HW);
        const dg = new Float32Array(C), db = new Float32Array(C);
        const sa = new Float32Array(C), sb = new Float32Array(C), t = new Float32Array(C);
        for (let ch = 0; ch < C; ch++) {
          const sdy = sums[2 * ch]!, sdyx = sums[2 * ch + 1]!, k = gamma[ch]! * cache.invStd[ch]!;
          db[ch] = sdy; dg[ch] = sdyx;
          sa[ch] = k; sb[ch] = (-k * sdyx) / M; t[ch] = (-k * sdy) / M;
        }
        if (dx) affine2Ptr(rt, pdy, ph, s.output(dx), N, C, HW, s.input(sa), s.input(sb), s.input(t));
        return [dx, c.need[1] ? dg : undefined, c.need[2] ? db : undefined];
      });
    },
  };
}

/** Relu gradient: dx = x > 0 ? dy : 0. */
export function fastReluGrad(rt: DnnRuntime, ref: GradRow): GradRow {
  return {
    trainable: ref.trainable,
    grad: (c) => {
      const X = c.x[0];
      if (!c.need[0] || !isF32(X)) return ref.grad(c);
      const n = c.dy.length, dx = c.allocUninit(n);
      rt.scope((s) => reluGradPtr(rt, s.input(X!.data as Float32Array), s.input(c.dy), s.output(dx), n));
      return [dx];
    },
  };
}
