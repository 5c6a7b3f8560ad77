// GEMM core: packing of A (4-row panels; or prepacked once for a whole matrix, e.g. conv
// weights reused across images) and B (8-column panels, from a strided matrix or an implicit
// im2col view), cache blocking (MC x KC x NC) and the 4x8 register-blocked micro-kernel
// (8 f32x4 accumulators) with a fused bias (+ residual) + activation epilogue.
import { madd, actVec, actScalar } from './common';

export const MR: i32 = 4;
export const NR: i32 = 8;
let MC: i32 = 128;
let KC: i32 = 256;
let NC: i32 = 1024;

/** Changes the cache blocking (benchmarks); sizes are rounded to the register tile. */
export function setBlocking(mc: i32, kc: i32, nc: i32): void {
  MC = max(MR, (mc / MR) * MR);
  KC = max(1, kc);
  NC = max(NR, (nc / NR) * NR);
}

export function gemmWorkspaceBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR + 16) * 4;
}

// B source. Mode 0: element (k, j) at bPtr + 4*(k*bRs + j*bCs).
// Mode 1 (im2col): element (k, j) at bPtr + 4*(kOff[k] + jOff[j]).
let bMode: i32 = 0;
let bPtr: usize = 0;
let bRs: i32 = 0;
let bCs: i32 = 0;
let kOff: usize = 0;
let jOff: usize = 0;

export function setBStrided(ptr: usize, rs: i32, cs: i32): void {
  bMode = 0; bPtr = ptr; bRs = rs; bCs = cs;
}

// Prepacked A (0: pack per block): every KC block of all rows, block at k offset pc starting
// at aPre + 4*pc*aPreRows, its MR-row panels [k][r] in row order (aPreRows = M rounded to MR).
let aPre: usize = 0;
let aPreRows: i32 = 0;

/** Bytes of a prepacked M x K matrix A. */
export function packedABytes(M: i32, K: i32): i32 {
  return ((M + MR - 1) / MR) * MR * K * 4;
}

/** Packs all of A (M x K, element (i, p) at a + 4*(i*rs + p*cs)) into dst and makes gemmDriver use it. */
export function prepackA(a: usize, rs: i32, cs: i32, M: i32, K: i32, dst: usize): void {
  const rows = ((M + MR - 1) / MR) * MR;
  for (let pc = 0; pc < K; pc += KC) packA(a, rs, cs, 0, M, pc, min(KC, K - pc), dst + (<usize>(pc * rows) << 2));
  aPre = dst; aPreRows = rows;
}

/** Back to packing A per block. */
export function clearPackedA(): void { aPre = 0; }

// Residual epilogue (0: none): C element at address e gets the value at e + resOff added
// (wrapping offset) after the sum and bias, before the activation.
let resOff: usize = 0;
export function setResidual(off: usize): void { resOff = off; }

export function setBIm2col(ptr: usize, kOffTab: usize, jOffTab: usize): void {
  bMode = 1; bPtr = ptr; kOff = kOffTab; jOff = jOffTab;
}

/** Packs rows [i0, i0+mc) x cols [p0, p0+kc) of A into MR-row panels: dst[panel][k][r]. */
function packA(a: usize, rs: i32, cs: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    for (let r = 0; r < MR; r++) {
      let d = dst + (<usize>r << 2);
      if (r < rows) {
        let s = a + ((<usize>(i0 + ip + r) * rs + <usize>p0 * cs) << 2);
        const step = <usize>cs << 2;
        for (let k = 0; k < kc; k++) {
          store<f32>(d, load<f32>(s));
          s += step; d += MR << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += MR << 2; }
      }
    }
    dst += <usize>(kc * MR) << 2;
  }
}

/** Packs rows [p0, p0+kc) x cols [j0, j0+nc) of B into NR-column panels: dst[panel][k][c]. */
function packB(p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    const j = j0 + jp;
    if (bMode == 0) {
      if (cols == NR && bCs == 1) {
        let s = bPtr + ((<usize>p0 * bRs + <usize>j) << 2);
        const step = <usize>bRs << 2;
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(s));
          v128.store(dst, v128.load(s, 16), 16);
          s += step; dst += NR << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const row = bPtr + (<usize>(p0 + k) * bRs << 2);
          for (let c = 0; c < NR; c++) {
            store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(row + (<usize>(j + c) * bCs << 2)) : 0);
          }
          dst += NR << 2;
        }
      }
    } else {
      const jt = jOff + (<usize>j << 2);
      const o0 = load<i32>(jt);
      if (cols == NR && load<i32>(jt, 28) - o0 == 7) {
        const base = bPtr + (<usize>o0 << 2);
        for (let k = 0; k < kc; k++) {
          const s = base + (<usize>load<i32>(kOff + (<usize>(p0 + k) << 2)) << 2);
          v128.store(dst, v128.load(s));
          v128.store(dst, v128.load(s, 16), 16);
          dst += NR << 2;
        }
      } else {
        let k = 0;
        while (k < kc) {
          const kt = kOff + (<usize>(p0 + k) << 2);
          // 4 rows that are 4 consecutive source floats (unit-stride pixels): 8 loads + transposes
          if (cols == NR && k + 4 <= kc && load<i32>(kt, 12) - load<i32>(kt) == 3) {
            packGather4(bPtr + (<usize>load<i32>(kt) << 2), jt, dst);
            dst += (NR * 4) << 2; k += 4;
            continue;
          }
          const s = bPtr + (<usize>load<i32>(kt) << 2);
          for (let c = 0; c < NR; c++) {
            store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>load<i32>(jt + (<usize>c << 2)) << 2)) : 0);
          }
          dst += NR << 2; k++;
        }
      }
    }
  }
}

/** Transposes 4 source rows (4 floats each, at base + jt[c]) of 8 columns into 4 packed rows of 8. */
function packGather4(base: usize, jt: usize, dst: usize): void {
  const r0 = v128.load(base + (<usize>load<i32>(jt) << 2)), r1 = v128.load(base + (<usize>load<i32>(jt, 4) << 2));
  const r2 = v128.load(base + (<usize>load<i32>(jt, 8) << 2)), r3 = v128.load(base + (<usize>load<i32>(jt, 12) << 2));
  const r4 = v128.load(base + (<usize>load<i32>(jt, 16) << 2)), r5 = v128.load(base + (<usize>load<i32>(jt, 20) << 2));
  const r6 = v128.load(base + (<usize>load<i32>(jt, 24) << 2)), r7 = v128.load(base + (<usize>load<i32>(jt, 28) << 2));
  let t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  let t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
  t0 = v128.shuffle<f32>(r4, r5, 0, 4, 1, 5); t1 = v128.shuffle<f32>(r4, r5, 2, 6, 3, 7);
  t2 = v128.shuffle<f32>(r6, r7, 0, 4, 1, 5); t3 = v128.shuffle<f32>(r6, r7, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), 16);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 48);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 80);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 112);
}

/**
 * C[4x8] (+)= Apanel * Bpanel. first: C is overwritten (+ bias); otherwise accumulated.
 * last: the activation is applied. biasMode 1: bias per row (bias -> row 0), 2: per column.
 */
function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, first: bool, last: bool,
  bias: usize, biasMode: i32, act: i32, alpha: f32, res: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 16; pb += 32;
  }
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  if (first) {
    if (biasMode == 1) {
      let v = v128.load32_splat(bias);
      c00 = f32x4.add(c00, v); c01 = f32x4.add(c01, v);
      v = v128.load32_splat(bias, 4);
      c10 = f32x4.add(c10, v); c11 = f32x4.add(c11, v);
      v = v128.load32_splat(bias, 8);
      c20 = f32x4.add(c20, v); c21 = f32x4.add(c21, v);
      v = v128.load32_splat(bias, 12);
      c30 = f32x4.add(c30, v); c31 = f32x4.add(c31, v);
    } else if (biasMode == 2) {
      const v0 = v128.load(bias), v1 = v128.load(bias, 16);
      c00 = f32x4.add(c00, v0); c01 = f32x4.add(c01, v1);
      c10 = f32x4.add(c10, v0); c11 = f32x4.add(c11, v1);
      c20 = f32x4.add(c20, v0); c21 = f32x4.add(c21, v1);
      c30 = f32x4.add(c30, v0); c31 = f32x4.add(c31, v1);
    }
  } else {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c1)); c11 = f32x4.add(c11, v128.load(c1, 16));
    c20 = f32x4.add(c20, v128.load(c2)); c21 = f32x4.add(c21, v128.load(c2, 16));
    c30 = f32x4.add(c30, v128.load(c3)); c31 = f32x4.add(c31, v128.load(c3, 16));
  }
  if (last && res != 0) {
    const r1 = res + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    c00 = f32x4.add(c00, v128.load(res)); c01 = f32x4.add(c01, v128.load(res, 16));
    c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
    c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
    c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
  }
  if (last && act != 0) {
    c00 = actVec(c00, act, alpha); c01 = actVec(c01, act, alpha);
    c10 = actVec(c10, act, alpha); c11 = actVec(c11, act, alpha);
    c20 = actVec(c20, act, alpha); c21 = actVec(c21, act, alpha);
    c30 = actVec(c30, act, alpha); c31 = actVec(c31, act, alpha);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}

/** Copies a rows x cols block between C (stride ldc bytes) and the 4x8 tile (stride 32 bytes). */
function tileCopy(dst: usize, ldd: usize, src: usize, lds: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
    dst += ldd; src += lds;
  }
}

/** C = act(C + residual) over a rows x cols block (the partial tiles of the residual epilogue). */
function residualFix(c: usize, ldc: usize, rows: i32, cols: i32, act: i32, alpha: f32): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const e = c + (<usize>j << 2);
      store<f32>(e, actScalar(load<f32>(e) + load<f32>(e + resOff), act, alpha));
    }
    c += ldc;
  }
}

/**
 * C[m0:m1, n0:n1] = act(A * B + bias) with the current B source. A element (i, p) at
 * a + 4*(i*rsA + p*csA); C row stride ldc floats. Each output element is summed in the same
 * order whatever the range, so splitting rows or columns across threads is deterministic.
 */
export function gemmDriver(K: i32, a: usize, rsA: i32, csA: i32, c: usize, ldc: i32,
  bias: usize, biasMode: i32, act: i32, alpha: f32, ws: usize, m0: i32, m1: i32, n0: i32, n1: i32): void {
  const pA = ws;
  const pB = pA + (<usize>(MC * KC) << 2);
  const tile = pB + (<usize>(KC * NC) << 2);
  const ldcB = <usize>ldc << 2;
  for (let jc = n0; jc < n1; jc += NC) {
    const nc = min(NC, n1 - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const first = pc == 0;
      const last = pc + kc >= K;
      packB(pc, kc, jc, nc, pB);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        const blockA = aPre != 0 ? aPre + (<usize>(pc * aPreRows + ic * kc) << 2) : pA;
        if (aPre == 0) packA(a, rsA, csA, ic, mc, pc, kc, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pb = pB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const i = ic + ir, j = jc + jr;
            const pa = blockA + (<usize>(ir * kc) << 2);
            const cp = c + (<usize>i * ldcB) + (<usize>j << 2);
            const bp = biasMode == 1 ? bias + (<usize>i << 2) : (biasMode == 2 ? bias + (<usize>j << 2) : 0);
            if (rows == MR && cols == NR) {
              micro(kc, pa, pb, cp, ldcB, first, last, bp, biasMode, act, alpha, resOff != 0 ? cp + resOff : 0);
            } else {
              if (!first) tileCopy(tile, NR << 2, cp, ldcB, rows, cols);
              const fix = last && resOff != 0; // residual + activation applied after the copy back
              micro(kc, pa, pb, tile, NR << 2, first, last, bp, biasMode, fix ? 0 : act, alpha, 0);
              tileCopy(cp, ldcB, tile, NR << 2, rows, cols);
              if (fix) residualFix(cp, ldcB, rows, cols, act, alpha);
            }
          }
        }
      }
    }
  }
}

/** Plain GEMM entry: C = act(A*B + bias), B element (k, j) at b + 4*(k*rsB + j*csB). */
export function gemm(K: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32, bias: usize, biasMode: i32, act: i32, alpha: f32, ws: usize,
  m0: i32, m1: i32, n0: i32, n1: i32): void {
  setBStrided(b, rsB, csB);
  gemmDriver(K, a, rsA, csA, c, ldc, bias, biasMode, act, alpha, ws, m0, m1, n0, n1);
}
