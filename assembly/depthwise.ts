// Depthwise convolution (groups == Cin, Cout = Cin * multiplier). 3x3 stride 1 dilation 1:
// tiles of 8 output rows x 4 columns (8 f32x4 accumulators, each input row loaded once per
// tap column and used by up to 3 output rows); other stride-1 shapes: tiles of 2 rows x 16
// columns; other strides: a scalar loop. All over a zero-padded copy of the plane whose
// border is zeroed once per call (each plane then copies only its interior rows).
import { madd, actVec, actScalar } from './common';
import { zeroFill } from './pad';
import { pi, pf, roundUp, P_N, P_C, P_H, P_W, P_COUT, P_KH, P_KW, P_SH, P_SW, P_PH, P_PW, P_DH, P_DW, P_OH, P_OW, P_ACT, P_ALPHA } from './params';

function unitStride(p: usize): bool { return pi(p, P_SH) == 1 && pi(p, P_SW) == 1; }
function is3x3(p: usize): bool {
  return unitStride(p) && pi(p, P_KH) == 3 && pi(p, P_KW) == 3 && pi(p, P_DH) == 1 && pi(p, P_DW) == 1;
}
function dwHp(p: usize): i32 {
  const rows = unitStride(p) ? roundUp(pi(p, P_OH), is3x3(p) ? 8 : 2) : (pi(p, P_OH) - 1) * pi(p, P_SH) + 1;
  return max(pi(p, P_H) + pi(p, P_PH), rows + (pi(p, P_KH) - 1) * pi(p, P_DH));
}
function dwWp(p: usize): i32 {
  const cols = unitStride(p) ? roundUp(pi(p, P_OW), 16) : (pi(p, P_OW) - 1) * pi(p, P_SW) + 1;
  return max(pi(p, P_W) + pi(p, P_PW), cols + (pi(p, P_KW) - 1) * pi(p, P_DW));
}

export function depthwiseWorkspaceBytes(p: usize): i32 {
  return (dwHp(p) * dwWp(p) + 64) * 4 + 64;
}

/** Output planes [p0, p1) of the flattened (n, co) index. */
export function depthwise(p: usize, x: usize, w: usize, b: usize, y: usize, ws: usize, p0: i32, p1: i32): void {
  const C = pi(p, P_C), H = pi(p, P_H), W = pi(p, P_W), Cout = pi(p, P_COUT);
  const kh = pi(p, P_KH), kw = pi(p, P_KW), sh = pi(p, P_SH), sw = pi(p, P_SW);
  const dh = pi(p, P_DH), dw = pi(p, P_DW), OH = pi(p, P_OH), OW = pi(p, P_OW);
  const act = pi(p, P_ACT), alpha = pf(p, P_ALPHA);
  const mult = Cout / C, taps = kh * kw;
  const Hp = dwHp(p), Wp = dwWp(p);
  const buf = ws;
  const ph = pi(p, P_PH), pw = pi(p, P_PW);
  // the border of the padded plane is zeroed once: every plane writes the same interior
  zeroFill(buf, Hp * Wp);
  let padded = -1;
  for (let q = p0; q < p1; q++) {
    const n = q / Cout, co = q % Cout, ci = co / mult;
    const inPlane = n * C + ci;
    if (inPlane != padded) {
      copyInterior(x + (<usize>(inPlane * H * W) << 2), H, W, buf + (<usize>(ph * Wp + pw) << 2), Wp);
      padded = inPlane;
    }
    const wt = w + (<usize>(co * taps) << 2);
    const bias: f32 = b != 0 ? load<f32>(b + (<usize>co << 2)) : 0;
    const out = y + (<usize>(q * OH * OW) << 2);
    if (kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1) tiles3x3(buf, Wp, wt, bias, act, alpha, out, OH, OW);
    else if (sh == 1 && sw == 1) tiles(buf, Wp, wt, kh, kw, dh, dw, bias, act, alpha, out, OH, OW);
    else generic(buf, Wp, wt, kh, kw, sh, sw, dh, dw, bias, act, alpha, out, OH, OW);
  }
}

/** Copies an H x W plane into rows of Wp floats at dst (4 floats at a time, no calls per row). */
function copyInterior(src: usize, H: i32, W: i32, dst: usize, Wp: i32): void {
  const rowS = <usize>W << 2, rowD = <usize>Wp << 2, vecEnd = <usize>(W & ~3) << 2;
  for (let y = 0; y < H; y++) {
    let o: usize = 0;
    for (; o + 32 <= vecEnd; o += 32) {
      v128.store(dst + o, v128.load(src + o));
      v128.store(dst + o, v128.load(src + o, 16), 16);
    }
    for (; o < vecEnd; o += 16) v128.store(dst + o, v128.load(src + o));
    for (; o < rowS; o += 4) store<f32>(dst + o, load<f32>(src + o));
    src += rowS; dst += rowD;
  }
}

/** 3x3, stride 1: 8 output rows x 4 columns per tile; input rows 0..9 of the tile, per tap column. */
function tiles3x3(src: usize, Wp: i32, wt: usize, bias: f32, act: i32, alpha: f32, out: usize, OH: i32, OW: i32): void {
  const rowB = <usize>Wp << 2;
  for (let oy = 0; oy < OH; oy += 8) {
    for (let ox = 0; ox < OW; ox += 4) {
      let a0 = f32x4.splat(bias), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      let base = src + <usize>oy * rowB + (<usize>ox << 2);
      for (let kx = 0; kx < 3; kx++) {
        // taps (0, kx), (1, kx), (2, kx): input row i feeds output rows i, i-1, i-2
        const wA = v128.load32_splat(wt + (<usize>kx << 2));
        const wB = v128.load32_splat(wt + (<usize>(3 + kx) << 2));
        const wC = v128.load32_splat(wt + (<usize>(6 + kx) << 2));
        let q = base;
        let v = v128.load(q); q += rowB;
        a0 = madd(wA, v, a0);
        v = v128.load(q); q += rowB;
        a0 = madd(wB, v, a0); a1 = madd(wA, v, a1);
        v = v128.load(q); q += rowB;
        a0 = madd(wC, v, a0); a1 = madd(wB, v, a1); a2 = madd(wA, v, a2);
        v = v128.load(q); q += rowB;
        a1 = madd(wC, v, a1); a2 = madd(wB, v, a2); a3 = madd(wA, v, a3);
        v = v128.load(q); q += rowB;
        a2 = madd(wC, v, a2); a3 = madd(wB, v, a3); a4 = madd(wA, v, a4);
        v = v128.load(q); q += rowB;
        a3 = madd(wC, v, a3); a4 = madd(wB, v, a4); a5 = madd(wA, v, a5);
        v = v128.load(q); q += rowB;
        a4 = madd(wC, v, a4); a5 = madd(wB, v, a5); a6 = madd(wA, v, a6);
        v = v128.load(q); q += rowB;
        a5 = madd(wC, v, a5); a6 = madd(wB, v, a6); a7 = madd(wA, v, a7);
        v = v128.load(q); q += rowB;
        a6 = madd(wC, v, a6); a7 = madd(wB, v, a7);
        v = v128.load(q);
        a7 = madd(wC, v, a7);
        base += 4;
      }
      if (act != 0) {
        a0 = actVec(a0, act, alpha); a1 = actVec(a1, act, alpha); a2 = actVec(a2, act, alpha); a3 = actVec(a3, act, alpha);
        a4 = actVec(a4, act, alpha); a5 = actVec(a5, act, alpha); a6 = actVec(a6, act, alpha); a7 = actVec(a7, act, alpha);
      }
      const rowO = <usize>OW << 2;
      const cols = min(4, OW - ox);
      let o = out + (<usize>(oy * OW + ox) << 2);
      if (oy + 8 <= OH && cols == 4) {
        v128.store(o, a0); o += rowO; v128.store(o, a1); o += rowO; v128.store(o, a2); o += rowO; v128.store(o, a3); o += rowO;
        v128.store(o, a4); o += rowO; v128.store(o, a5); o += rowO; v128.store(o, a6); o += rowO; v128.store(o, a7);
        continue;
      }
      const rows = min(8, OH - oy);
      storeLanes(o, a0, cols); o += rowO;
      if (rows > 1) storeLanes(o, a1, cols); o += rowO;
      if (rows > 2) storeLanes(o, a2, cols); o += rowO;
      if (rows > 3) storeLanes(o, a3, cols); o += rowO;
      if (rows > 4) storeLanes(o, a4, cols); o += rowO;
      if (rows > 5) storeLanes(o, a5, cols); o += rowO;
      if (rows > 6) storeLanes(o, a6, cols); o += rowO;
      if (rows > 7) storeLanes(o, a7, cols);
    }
  }
}

function tiles(src: usize, Wp: i32, wt: usize, kh: i32, kw: i32, dh: i32, dw: i32, bias: f32,
  act: i32, alpha: f32, out: usize, OH: i32, OW: i32): void {
  const rowB = <usize>Wp << 2;
  for (let oy = 0; oy < OH; oy += 2) {
    for (let ox = 0; ox < OW; ox += 16) {
      let a0 = f32x4.splat(bias), a1 = a0, a2 = a0, a3 = a0;
      let c0 = a0, c1 = a0, c2 = a0, c3 = a0;
      if (dh == 1) {
        // each input row feeds output row 0 (tap r) and output row 1 (tap r-1): loaded once
        for (let r = 0; r <= kh; r++) {
          let rp = src + <usize>(oy + r) * rowB + (<usize>ox << 2);
          const w0 = wt + (<usize>(r * kw) << 2), w1 = wt + (<usize>((r - 1) * kw) << 2);
          for (let kx = 0; kx < kw; kx++) {
            const v0 = v128.load(rp), v1 = v128.load(rp, 16), v2 = v128.load(rp, 32), v3 = v128.load(rp, 48);
            if (r < kh) {
              const wv = v128.load32_splat(w0 + (<usize>kx << 2));
              a0 = madd(wv, v0, a0); a1 = madd(wv, v1, a1); a2 = madd(wv, v2, a2); a3 = madd(wv, v3, a3);
            }
            if (r > 0) {
              const wv = v128.load32_splat(w1 + (<usize>kx << 2));
              c0 = madd(wv, v0, c0); c1 = madd(wv, v1, c1); c2 = madd(wv, v2, c2); c3 = madd(wv, v3, c3);
            }
            rp += <usize>dw << 2;
          }
        }
      } else {
        let wq = wt;
        for (let ky = 0; ky < kh; ky++) {
          let r0 = src + <usize>(oy + ky * dh) * rowB + (<usize>ox << 2);
          for (let kx = 0; kx < kw; kx++) {
            const wv = v128.load32_splat(wq);
            const r1 = r0 + rowB;
            a0 = madd(wv, v128.load(r0), a0); a1 = madd(wv, v128.load(r0, 16), a1);
            a2 = madd(wv, v128.load(r0, 32), a2); a3 = madd(wv, v128.load(r0, 48), a3);
            c0 = madd(wv, v128.load(r1), c0); c1 = madd(wv, v128.load(r1, 16), c1);
            c2 = madd(wv, v128.load(r1, 32), c2); c3 = madd(wv, v128.load(r1, 48), c3);
            wq += 4; r0 += <usize>dw << 2;
          }
        }
      }
      if (act != 0) {
        a0 = actVec(a0, act, alpha); a1 = actVec(a1, act, alpha); a2 = actVec(a2, act, alpha); a3 = actVec(a3, act, alpha);
        c0 = actVec(c0, act, alpha); c1 = actVec(c1, act, alpha); c2 = actVec(c2, act, alpha); c3 = actVec(c3, act, alpha);
      }
      const o = out + (<usize>(oy * OW + ox) << 2);
      const cols = min(16, OW - ox);
      storeRow(o, a0, a1, a2, a3, cols);
      if (oy + 1 < OH) storeRow(o + (<usize>OW << 2), c0, c1, c2, c3, cols);
    }
  }
}

function storeRow(o: usize, v0: v128, v1: v128, v2: v128, v3: v128, cols: i32): void {
  if (cols == 16) {
    v128.store(o, v0); v128.store(o, v1, 16); v128.store(o, v2, 32); v128.store(o, v3, 48);
    return;
  }
  storeLanes(o, v0, cols);
  storeLanes(o + 16, v1, cols - 4);
  storeLanes(o + 32, v2, cols - 8);
  storeLanes(o + 48, v3, cols - 12);
}

function storeLanes(o: usize, v: v128, n: i32): void {
  if (n <= 0) return;
  if (n >= 4) { v128.store(o, v); return; }
  store<f32>(o, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(o, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(o, f32x4.extract_lane(v, 2), 8);
}

function generic(src: usize, Wp: i32, wt: usize, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  bias: f32, act: i32, alpha: f32, out: usize, OH: i32, OW: i32): void {
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let s = bias;
      for (let ky = 0; ky < kh; ky++) {
        const row = src + (<usize>((oy * sh + ky * dh) * Wp + ox * sw) << 2);
        for (let kx = 0; kx < kw; kx++) {
          s += load<f32>(wt + (<usize>(ky * kw + kx) << 2)) * load<f32>(row + (<usize>(kx * dw) << 2));
        }
      }
      store<f32>(out + (<usize>(oy * OW + ox) << 2), actScalar(s, act, alpha));
    }
  }
}
