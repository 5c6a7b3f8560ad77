// GEMM / dense kernels against the naive loop on a sweep of odd shapes, transposes, bias
// modes and activations, on plain and relaxed builds with 1 and 2 threads.
import { describe, it, expect } from 'vitest';
import { matmul, dense, gemmPtr } from '../../../src/bwdnn/kernels/gemm.js';
import { naiveGemm, rand, relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();

const shapes: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [4, 8, 16], [17, 33, 65], [64, 40, 300], [37, 129, 257], [130, 9, 520], [5, 1030, 3],
];

describe.each(variants)('gemm on $name', ({ rt }) => {
  it.each(shapes)('M=%i N=%i K=%i', (M, N, K) => {
    const a = rand(M * K, M + 1), b = rand(K * N, N + 2);
    expect(relErr(matmul(rt, a, b, M, N, K), naiveGemm(a, b, M, N, K))).toBeLessThanOrEqual(1e-4);
  });

  it('transposes, row/col bias and fused activations', () => {
    const M = 23, N = 19, K = 41;
    const a = rand(M * K, 3), b = rand(K * N, 4), br = rand(M, 5), bc = rand(N, 6);
    for (const transA of [false, true]) for (const transB of [false, true]) {
      for (const [bias, biasPer] of [[br, 'row'], [bc, 'col']] as const) {
        for (const act of ['relu', 'relu6', 'leaky', 'sigmoid', 'tanh', 'hardswish'] as const) {
          const got = matmul(rt, a, b, M, N, K, { transA, transB, bias, biasPer, act });
          const want = naiveGemm(a, b, M, N, K, { transA, transB, bias, biasPer, act });
          expect(relErr(got, want), `${transA} ${transB} ${biasPer} ${act}`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });

  it('K = 0 gives act(bias); empty M or N gives an empty result', () => {
    const bias = Float32Array.from([-1, 2, 3]);
    expect(Array.from(matmul(rt, new Float32Array(0), new Float32Array(0), 2, 3, 0, { bias, biasPer: 'col', act: 'relu' }))).toEqual([0, 2, 3, 0, 2, 3]);
    expect(matmul(rt, new Float32Array(0), new Float32Array(12), 0, 3, 4).length).toBe(0);
  });

  it('dense layer: x W^T + b', () => {
    const batch = 7, inF = 300, outF = 45;
    const x = rand(batch * inF, 8), w = rand(outF * inF, 9), b = rand(outF, 10);
    const want = naiveGemm(x, w, batch, outF, inF, { transB: true, bias: b, biasPer: 'col', act: 'relu' });
    expect(relErr(dense(rt, x, w, b, batch, inF, outF, 'relu'), want)).toBeLessThanOrEqual(1e-4);
  });
});

describe('gemm determinism', () => {
  it('gives bit-identical results on 1 and 2 threads (same build)', () => {
    const M = 200, N = 180, K = 600; // large enough to be split across threads
    const a = rand(M * K, 11), b = rand(K * N, 12);
    for (const build of ['simd', 'relaxed']) {
      const [one, two] = variants.filter((v) => v.name.startsWith(build)).map((v) => matmul(v.rt, a, b, M, N, K));
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }
  });

  it('leaves the arena as it found it', () => {
    const rt = variants[1].rt;
    const before = rt.arena.usedBytes;
    const pa = rt.upload(rand(64 * 64)), pb = rt.upload(rand(64 * 64)), pc = rt.arena.alloc(64 * 64 * 4);
    gemmPtr(rt, { M: 64, N: 64, K: 64, a: pa, b: pb, c: pc });
    for (const p of [pa, pb, pc]) rt.arena.free(p);
    expect(rt.arena.usedBytes).toBe(before);
  });
});
