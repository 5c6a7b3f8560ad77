// Depthwise convolution (groups == Cin, Cout = Cin * multiplier). Stride 1: tiles of
// 2 output rows x 16 columns (8 f32x4 accumulators) over a zero-padded plane; other
// strides: a scalar loop over the same padded plane.
import { madd, actVec, actScalar } from './common';
import { padPlanes } from './pad';
import { pi, pf, roundUp, P_N, P_C, P_H, P_W, P_COUT, P_KH, P_KW, P_SH, P_SW, P_PH, P_PW, P_DH, P_DW, P_OH, P_OW, P_ACT, P_ALPHA } from './params';

function unitStride(p: usize): bool { return pi(p, P_SH) == 1 && pi(p, P_SW) == 1; }
function dwHp(p: usize): i32 {
  const rows = unitStride(p) ? roundUp(pi(p, P_OH), 2) : (pi(p, P_OH) - 1) * pi(p, P_SH) + 1;
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
  let padded = -1;
  for (let q = p0; q < p1; q++) {
    const n = q / Cout, co = q % Cout, ci = co / mult;
    const inPlane = n * C + ci;
    if (inPlane != padded) {
      padPlanes(x + (<usize>(inPlane * H * W) << 2), 1, H, W, pi(p, P_PH), pi(p, P_PW), Hp, Wp, buf);
      padded = inPlane;
    }
    const wt = w + (<usize>(co * taps) << 2);
    const bias: f32 = b != 0 ? load<f32>(b + (<usize>co << 2)) : 0;
    const out = y + (<usize>(q * OH * OW) << 2);
    if (sh == 1 && sw == 1) tiles(buf, Wp, wt, kh, kw, dh, dw, bias, act, alpha, out, OH, OW);
    else generic(buf, Wp, wt, kh, kw, sh, sw, dh, dw, bias, act, alpha, out, OH, OW);
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
