// GEMM and dense layers on the WebAssembly kernels: C[M,N] = act(op(A) op(B) + bias),
// split over threads by rows or columns (whole register tiles, so results do not depend
// on the thread count).
import type { DnnRuntime } from './runtime.js';
import { splitRange } from './runtime.js';
import { activationCode, type ActivationSpec } from './activation.js';

/** Below this many flops a kernel runs on one thread (fork-join would dominate). */
export const PARALLEL_MIN_FLOPS = 4e6;

export interface GemmPtrArgs {
  M: number; N: number; K: number;
  /** Byte offsets of row-major A [M,K] (or [K,M] if transA), B [K,N] (or [N,K] if transB), C [M,N]. */
  a: number; b: number; c: number;
  transA?: boolean; transB?: boolean;
  /** Pointer to the bias (0: none), per output row or per output column. */
  bias?: number; biasPer?: 'row' | 'col';
  act?: ActivationSpec;
}

export function gemmPtr(rt: DnnRuntime, g: GemmPtrArgs): void {
  const { M, N, K } = g;
  const [rsA, csA] = g.transA ? [1, M] : [K, 1];
  const [rsB, csB] = g.transB ? [1, K] : [N, 1];
  const [act, alpha] = activationCode(g.act);
  const bias = g.bias ?? 0;
  const biasMode = bias === 0 ? 0 : g.biasPer === 'col' ? 2 : 1;
  if (M === 0 || N === 0) return;
  if (K === 0) { // empty sum: C = act(bias)
    const c = rt.f32(g.c, M * N);
    const b = bias ? rt.f32(bias, biasMode === 2 ? N : M) : undefined;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) c[i * N + j] = b ? b[biasMode === 2 ? j : i] : 0;
    rt.parallel('activation', [[g.c, g.c, M * N, act, alpha]]);
    return;
  }
  const threads = 2 * M * N * K >= PARALLEL_MIN_FLOPS ? rt.threads : 1;
  rt.withWorkspaces(rt.exports.gemmWorkspaceBytes(), (ws) => {
    const byCols = N >= M;
    const parts = splitRange(byCols ? N : M, threads, byCols ? 8 : 4);
    rt.parallel('gemm', parts.map(([s, e], t) => (e <= s ? null : [K, g.a, rsA, csA, g.b, rsB, csB, g.c, N, bias, biasMode, act, alpha, ws[t],
      byCols ? 0 : s, byCols ? M : e, byCols ? s : 0, byCols ? e : N])));
  });
}

export interface MatmulOptions {
  transA?: boolean; transB?: boolean; bias?: Float32Array; biasPer?: 'row' | 'col'; act?: ActivationSpec;
}

/** C = act(op(A) op(B) + bias) on Float32Arrays. */
export function matmul(rt: DnnRuntime, a: Float32Array, b: Float32Array, M: number, N: number, K: number, opts: MatmulOptions = {}): Float32Array {
  const pa = rt.upload(a), pb = rt.upload(b), pc = rt.arena.alloc(M * N * 4);
  const pbias = opts.bias ? rt.upload(opts.bias) : 0;
  try {
    gemmPtr(rt, { M, N, K, a: pa, b: pb, c: pc, transA: opts.transA, transB: opts.transB, bias: pbias, biasPer: opts.biasPer, act: opts.act });
    return rt.download(pc, M * N);
  } finally {
    for (const p of [pa, pb, pc, pbias]) if (p) rt.arena.free(p);
  }
}

/** Fully connected layer: y[batch, out] = act(x[batch, in] * W^T + bias), W stored [out, in]. */
export function dense(rt: DnnRuntime, x: Float32Array, w: Float32Array, bias: Float32Array | undefined,
  batch: number, inFeatures: number, outFeatures: number, act?: ActivationSpec): Float32Array {
  return matmul(rt, x, w, batch, outFeatures, inFeatures, { transB: true, bias, biasPer: 'col', act });
}
