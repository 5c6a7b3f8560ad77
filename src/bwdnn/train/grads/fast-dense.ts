// Fast gradients of Gemm and 2-D MatMul on the WebAssembly GEMM (both threads for large
// shapes): dA = dY op(B)^T and dB = op(A)^T dY as GEMMs with transposed operands, stored in
// the inputs' own layouts; the bias gradient reuses the reference reduction.
import type { DnnRuntime } from '../../kernels/runtime.js';
import { gemmPtr } from '../../kernels/gemm.js';
import type { GradKernel, GradRow } from '../grad.js';
import { reduceTo } from './dense.js';

const isF32 = (d: unknown): d is Float32Array => d instanceof Float32Array;

function fastGemmGrad(rt: DnnRuntime, ref: GradRow, matmul: boolean): GradRow {
  const grad: GradKernel = (c) => {
    const A = c.x[0]!, B = c.x[1]!, C = matmul ? undefined : c.x[2];
    if (A.shape.length !== 2 || B.shape.length !== 2 || !isF32(A.data) || !isF32(B.data)) return ref.grad(c);
    const tA = !matmul && c.attr<number>('transA') === 1, tB = !matmul && c.attr<number>('transB') === 1;
    const alpha = matmul ? 1 : c.attr<number>('alpha'), beta = matmul ? 1 : c.attr<number>('beta');
    const [M, N] = c.y[0]!.shape as [number, number];
    const K = tA ? A.shape[0]! : A.shape[1]!;
    const blocks: number[] = [];
    const up = (d: Float32Array) => { const p = rt.upload(d); blocks.push(p); return p; };
    const take = (p: number, n: number) => {
      const r = c.allocUninit(n);
      r.set(rt.f32(p, n));
      if (alpha !== 1) for (let i = 0; i < n; i++) r[i] *= alpha;
      return r;
    };
    try {
      const pdy = up(c.dy);
      let da: Float32Array | undefined, db: Float32Array | undefined;
      if (c.need[0]) {
        const pb = up(B.data), pda = rt.arena.alloc(M * K * 4);
        blocks.push(pda);
        // op(A) = A: dA [M,K] = dY op(B)^T; op(A) = A^T: dA [K,M] = op(B) dY^T
        if (!tA) gemmPtr(rt, { M, N: K, K: N, a: pdy, b: pb, c: pda, transB: !tB });
        else gemmPtr(rt, { M: K, N: M, K: N, a: pb, b: pdy, c: pda, transA: tB, transB: true });
        da = take(pda, M * K);
      }
      if (c.need[1]) {
        const pa = up(A.data), pdb = rt.arena.alloc(K * N * 4);
        blocks.push(pdb);
        // op(B) = B: dB [K,N] = op(A)^T dY; op(B) = B^T: dB [N,K] = dY^T op(A)
        if (!tB) gemmPtr(rt, { M: K, N, K: M, a: pa, b: pdy, c: pdb, transA: !tA });
        else gemmPtr(rt, { M: N, N: K, K: M, a: pdy, b: pa, c: pdb, transA: true, transB: tA });
        db = take(pdb, K * N);
      }
      const dc = C && c.need[2] ? reduceTo(c.dy, C.shape, [M, N], beta) : undefined;
      return matmul ? [da, db] : [da, db, dc];
    } finally {
      for (const p of blocks) rt.arena.free(p);
    }
  };
  return { trainable: ref.trainable, grad };
}

export const fastGemmRow = (rt: DnnRuntime, ref: GradRow): GradRow => fastGemmGrad(rt, ref, false);
export const fastMatmulRow = (rt: DnnRuntime, ref: GradRow): GradRow => fastGemmGrad(rt, ref, true);
