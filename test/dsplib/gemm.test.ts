// dense / matmul kernels on the simulator against the reference Gemm (transB=1) and MatMul over a
// shape sweep (odd K, M not a multiple of 4, N not a multiple of the block, N = 1, long K that
// needs the k-chunk loop), fused ReLU, a wrong kernel that must be caught and generator errors.
import { describe, expect, it } from 'vitest';
import { dense, gemmLayoutB, matmul, type GemmShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function checkDense(sh: GemmShape, opts: { relu?: boolean; block?: { R: number; Q: number }; pipeline?: boolean } = {}, asm?: (a: string) => string): number {
  const k0 = dense(sh, T, opts);
  const k = asm ? { ...k0, asm: asm(k0.asm) } : k0;
  const x = rand(sh.N * sh.K, 21), w = rand(sh.M * sh.K, 22), b = rand(sh.M, 23);
  const { outs } = simulate(k, T, { x, w, b });
  let ref = reference('Gemm', [{ shape: [sh.N, sh.K], data: x }, { shape: [sh.M, sh.K], data: w }, { shape: [sh.M], data: b }], { transB: 1 });
  if (opts.relu) ref = reference('Relu', [{ shape: [ref.length], data: ref }], {});
  return relError(outs.y!, ref);
}

const SWEEP: Array<[string, GemmShape]> = [
  ['tiny 1x1x1', { N: 1, K: 1, M: 1 }],
  ['odd K, M not multiple of 4', { N: 3, K: 5, M: 7 }],
  ['N = 1 (GEMV)', { N: 1, K: 13, M: 9 }],
  ['edge blocks in N and M', { N: 7, K: 30, M: 37 }],
  ['K multiple of 8 (weight pitch padding)', { N: 5, K: 64, M: 12 }],
  ['long K (k-chunk loop)', { N: 2, K: 1030, M: 6 }],
];

describe('dense vs reference Gemm (transB=1)', () => {
  for (const [name, sh] of SWEEP) it(name, () => { expect(checkDense(sh)).toBeLessThanOrEqual(1e-5); });
  it('fused ReLU epilogue', () => { expect(checkDense({ N: 4, K: 9, M: 10 }, { relu: true })).toBeLessThanOrEqual(1e-5); });
  it('a forced block with remainders in both dimensions', () => {
    expect(checkDense({ N: 5, K: 11, M: 11 }, { block: { R: 2, Q: 4 } })).toBeLessThanOrEqual(1e-5);
  });
});

describe('software-pipelined k loop (modulo.ts) vs the list-scheduled one', () => {
  const GEMV: Array<[string, GemmShape]> = [
    ['GEMV 1x64x37', { N: 1, K: 64, M: 37 }], ['GEMV odd K 1x77x9', { N: 1, K: 77, M: 9 }], ['2x130x23', { N: 2, K: 130, M: 23 }], ['K=5 (one k-quad)', { N: 1, K: 5, M: 6 }],
  ];
  for (const [name, sh] of GEMV) {
    it(`${name}: both variants equal the reference`, () => {
      expect(checkDense(sh, { pipeline: true })).toBeLessThanOrEqual(1e-5);
      expect(checkDense(sh, { pipeline: false })).toBeLessThanOrEqual(1e-5);
    });
  }
  it('GEMV picks the pipelined loop and issues fewer lines; pipeline: false keeps the list schedule', () => {
    const on = dense({ N: 1, K: 64, M: 37 }, T), off = dense({ N: 1, K: 64, M: 37 }, T, { pipeline: false });
    expect(on.params.pipelinedParts).toBeGreaterThan(0);
    expect(off.params.pipelinedParts).toBe(0);
    expect(on.params.staticLines).toBeLessThan(off.params.staticLines!);
  });
});

describe('other targets', () => {
  it('dense runs on bwdsp100 (4 MAC units, fp add on the MAC units)', () => {
    const T1 = getTarget('bwdsp100'), sh = { N: 3, K: 9, M: 6 };
    const x = rand(27, 1), w = rand(54, 2), b = rand(6, 3);
    const { outs } = simulate(dense(sh, T1), T1, { x, w, b });
    const ref = reference('Gemm', [{ shape: [3, 9], data: x }, { shape: [6, 9], data: w }, { shape: [6], data: b }], { transB: 1 });
    expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
  });
});

describe('matmul vs reference MatMul', () => {
  for (const sh of [{ N: 3, K: 6, M: 5 }, { N: 9, K: 17, M: 20 }]) {
    it(`N=${sh.N} K=${sh.K} M=${sh.M}`, () => {
      const k = matmul(sh, T);
      const a = rand(sh.N * sh.K, 31), b = rand(sh.K * sh.M, 32);
      const { outs } = simulate(k, T, { a, b: gemmLayoutB(b, sh.K, sh.M) });
      const ref = reference('MatMul', [{ shape: [sh.N, sh.K], data: a }, { shape: [sh.K, sh.M], data: b }], {});
      expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('the check catches wrong kernels', () => {
  it('a reduction that drops one macro (sum replaced by a copy) is caught', () => {
    const bad = (a: string): string => a.replace(/\bx fr(\d+) = sum fr(\d+)/, 'x fr$1 = fr$2 + fr$2');
    const sh = { N: 2, K: 8, M: 4 };
    expect(bad(dense(sh, T).asm)).not.toBe(dense(sh, T).asm);
    expect(checkDense(sh, {}, bad)).toBeGreaterThan(1e-3);
  });
});

describe('generator errors', () => {
  const err = (f: () => unknown): BwvmError => { try { f(); } catch (e) { return e as BwvmError; } throw new Error('no error'); };
  it('bad shapes, oversized blocks and shapes that do not fit on-chip are refused', () => {
    expect(err(() => dense({ N: 0, K: 4, M: 4 }, T)).code).toBe('DSPLIB_SHAPE');
    const r = err(() => dense({ N: 8, K: 4, M: 16 }, T, { block: { R: 8, Q: 8 } }));
    expect(r.code).toBe('DSPLIB_REGISTERS');
    expect(r.message).toMatch(/R=8 Q=8/);
    const m = err(() => dense({ N: 1, K: 4096, M: 4096 }, T));
    expect(m.code).toBe('DSPLIB_NO_MEMORY');
    expect(m.message).toMatch(/N=1 K=4096 M=4096/);
  });
});
