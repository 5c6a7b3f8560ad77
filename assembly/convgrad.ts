// Backward kernels of convolution: the weight gradient as one GEMM per group,
// dW[g] (Coutg x Kg) = dY[g] (Coutg x N*OH*OW, channel-major copy) * im2col(Xpad[g])^T,
// where the im2col^T view is two offset tables (pixel rows, tap columns) over the padded batch;
// and the helpers that prepare its operands (batch padding, NCHW -> CNHW copy).
import { gemmDriver, setBIm2col } from './gemm';
import { padPlanes, copyRow } from './pad';

/**
 * C[g] rows [m0, m1), columns [n0, n1) = A[g] * B[g] for groups g in [g0, g1), with A[g] at
 * a + 4*g*sa (element (i, k) at 4*(i*rsA + k)), B[g] element (k, j) at
 * b + 4*(g*sb + kTab[k] + jTab[j]) and C[g] at c + 4*g*sc (row stride ldc floats).
 */
export function gemmGather(K: i32, a: usize, rsA: i32, b: usize, kTab: usize, jTab: usize,
  c: usize, ldc: i32, ws: usize, sa: i32, sb: i32, sc: i32, g0: i32, g1: i32, m0: i32, m1: i32, n0: i32, n1: i32): void {
  for (let g = g0; g < g1; g++) {
    setBIm2col(b + (<usize>(g * sb) << 2), kTab, jTab);
    gemmDriver(K, a + (<usize>(g * sa) << 2), rsA, 1, c + (<usize>(g * sc) << 2), ldc, 0, 0, 0, 0, ws, m0, m1, n0, n1);
  }
}

/** Images [n0, n1) of x [N, C, H, W] into dst [N, C, Hp, Wp] with ph/pw leading zeros. */
export function padBatch(x: usize, dst: usize, C: i32, H: i32, W: i32, ph: i32, pw: i32, Hp: i32, Wp: i32, n0: i32, n1: i32): void {
  for (let n = n0; n < n1; n++) {
    padPlanes(x + (<usize>(n * C * H * W) << 2), C, H, W, ph, pw, Hp, Wp, dst + (<usize>(n * C * Hp * Wp) << 2));
  }
}

/** Channels [c0, c1) of x [N, C, HW] into dst [C, N, HW]. */
export function toChannelMajor(x: usize, dst: usize, N: i32, C: i32, HW: i32, c0: i32, c1: i32): void {
  for (let c = c0; c < c1; c++) {
    for (let n = 0; n < N; n++) {
      copyRow(dst + (<usize>((c * N + n) * HW) << 2), x + (<usize>((n * C + c) * HW) << 2), HW);
    }
  }
}

/**
 * Zero-insertion for the strided input gradient: planes [p0, p1) of dy [P, OH, OW] into
 * dst [P, Hd, Wd] at (top + oy*sh, left + ox*sw), zeros elsewhere.
 */
export function dilatePlanes(dy: usize, dst: usize, OH: i32, OW: i32, sh: i32, sw: i32, top: i32, left: i32,
  Hd: i32, Wd: i32, p0: i32, p1: i32): void {
  for (let q = p0; q < p1; q++) {
    const d = dst + (<usize>(q * Hd * Wd) << 2);
    memory.fill(d, 0, <usize>(Hd * Wd) << 2);
    const s = dy + (<usize>(q * OH * OW) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const row = d + (<usize>((top + oy * sh) * Wd + left) << 2);
      const src = s + (<usize>(oy * OW) << 2);
      if (sw == 1) { copyRow(row, src, OW); continue; }
      for (let ox = 0; ox < OW; ox++) store<f32>(row + (<usize>(ox * sw) << 2), load<f32>(src + (<usize>ox << 2)));
    }
  }
}
