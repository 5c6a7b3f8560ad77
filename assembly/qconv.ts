// Integer convolution of the fixed-point executor's fast engine: (x - zp_x) as int16 im2col
// columns with reduction-index pairs interleaved, weights as int16 pairs, i32x4.dot_i16x8_s
// (8 multiply-adds per instruction) into int32 accumulators in a 4-output-channel x 8-pixel
// register tile, then per channel y = saturate(zp_y + rndsh(acc * M0, n)) in int64: exactly the
// reference's arithmetic. The caller guarantees every |x - zp_x|, |w| <= 32767 and that no sum can
// leave int32 (src/bwdnn/quant/fast-conv.ts checks the bound), so integer addition order is free.
import { pi, roundUp, P_C, P_H, P_W, P_COUT, P_KH, P_KW, P_SH, P_SW, P_PH, P_PW, P_DH, P_DW, P_GROUPS, P_OH, P_OW } from './params';

/** Parameter-block slots after the geometry: input and output zero points, output clamp. */
const Q_ZX = 16; const Q_ZY = 17; const Q_LO = 18; const Q_HI = 19;

function kPairs(p: usize): i32 { return (pi(p, P_C) / pi(p, P_GROUPS) * pi(p, P_KH) * pi(p, P_KW) + 1) >> 1; }
function blocks(p: usize): i32 { return (pi(p, P_COUT) / pi(p, P_GROUPS) + 3) >> 2; }
/** Pixel stride of a column row: the output pixels rounded up to the 8-pixel tile, plus 8 so that a
 * row's last 8-pixel store never reaches the next row. */
function pixStride(p: usize): i32 { return roundUp(pi(p, P_OH) * pi(p, P_OW), 8) + 8; }
function planeH(p: usize): i32 { return max(pi(p, P_H) + pi(p, P_PH), (pi(p, P_OH) - 1) * pi(p, P_SH) + (pi(p, P_KH) - 1) * pi(p, P_DH) + 1); }
/** Padded row length: every window column, plus 8 for the last 8-wide load of a row. */
function planeW(p: usize): i32 { return max(pi(p, P_W) + pi(p, P_PW), (pi(p, P_OW) - 1) * pi(p, P_SW) + (pi(p, P_KW) - 1) * pi(p, P_DW) + 1) + 8; }
function packedWeightBytes(p: usize): i32 { return pi(p, P_GROUPS) * blocks(p) * kPairs(p) * 16; }
function colBytes(p: usize): i32 { return kPairs(p) * pixStride(p) * 4; }
function planeBytes(p: usize): i32 { return roundUp(pi(p, P_C) / pi(p, P_GROUPS) * planeH(p) * planeW(p) * 2, 16); }

export function qconvWorkspaceBytes(p: usize): i32 {
  return packedWeightBytes(p) + colBytes(p) + planeBytes(p) + 128 + 64;
}

/** rndsh(acc * m0, n) = floor((acc*m0 + 2^(n-1)) / 2^n), then + zp and saturation, in int64 (|acc*m0| < 2^62). */
// @ts-ignore: decorator
@inline function requant(acc: i32, m0: i32, n: i32, zy: i32, lo: i32, hi: i32): i32 {
  let v = <i64>acc * <i64>m0;
  if (n > 62) v = 0;
  else if (n > 0) v = (v + (<i64>1 << <i64>(n - 1))) >> <i64>n;
  v += <i64>zy;
  if (v < <i64>lo) v = <i64>lo;
  if (v > <i64>hi) v = <i64>hi;
  return <i32>v;
}

/** Weights [Cout][Cg*kh*kw] int32 -> [g][block][kpair][4 channels][2] int16 (zeros past the ends). */
function packWeights(p: usize, w: usize, dst: usize): void {
  const G = pi(p, P_GROUPS), Mg = pi(p, P_COUT) / G, K = pi(p, P_C) / G * pi(p, P_KH) * pi(p, P_KW);
  const nb = blocks(p), kp = kPairs(p);
  let d = dst;
  for (let g = 0; g < G; g++)
    for (let b = 0; b < nb; b++)
      for (let k2 = 0; k2 < kp; k2++)
        for (let r = 0; r < 4; r++)
          for (let h = 0; h < 2; h++, d += 2) {
            const co = b * 4 + r, k = k2 * 2 + h;
            store<i16>(d, co < Mg && k < K ? <i16>load<i32>(w + (<usize>((g * Mg + co) * K + k) << 2)) : 0);
          }
}

/** Image n, group g: zero-bordered int16 planes of x - zp_x (the padding holds 0 = zp_x - zp_x). */
function padPlanes16(p: usize, x: usize, n: i32, g: i32, dst: usize): void {
  const C = pi(p, P_C), H = pi(p, P_H), W = pi(p, P_W), Cg = C / pi(p, P_GROUPS);
  const Hp = planeH(p), Wp = planeW(p), pt = pi(p, P_PH), pl = pi(p, P_PW), zx = pi(p, Q_ZX);
  memory.fill(dst, 0, <usize>planeBytes(p));
  for (let c = 0; c < Cg; c++) {
    const src = x + (<usize>((n * C + g * Cg + c) * H * W) << 2);
    for (let iy = 0; iy < H; iy++) {
      const s = src + (<usize>(iy * W) << 2), d = dst + (<usize>((c * Hp + iy + pt) * Wp + pl) << 1);
      for (let ix = 0; ix < W; ix++) store<i16>(d + (<usize>ix << 1), <i16>(load<i32>(s + (<usize>ix << 2)) - zx));
    }
  }
}

/** Start of window tap k's row for output row oy in the padded planes. */
// @ts-ignore: decorator
@inline function tapRow(p: usize, plane: usize, k: i32, oy: i32): usize {
  const kh = pi(p, P_KH), kw = pi(p, P_KW), c = k / (kh * kw), ky = (k / kw) % kh, kx = k % kw;
  return plane + (<usize>((c * planeH(p) + oy * pi(p, P_SH) + ky * pi(p, P_DH)) * planeW(p) + kx * pi(p, P_DW)) << 1);
}

/**
 * col[kpair][pixel][2] from the padded planes: taps 2j and 2j+1 interleaved (a missing last tap of
 * an odd count is 0). Stride 1: 8 pixels per step, two 8-wide loads zipped by shuffles; rows may
 * run past a row's end into the next row's pixels, which that row then overwrites.
 */
function im2col(p: usize, plane: usize, col: usize): void {
  const K = pi(p, P_C) / pi(p, P_GROUPS) * pi(p, P_KH) * pi(p, P_KW), kp = kPairs(p);
  const OH = pi(p, P_OH), OW = pi(p, P_OW), sw = pi(p, P_SW), PS = pixStride(p);
  const zero = i32x4.splat(0);
  for (let j = 0; j < kp; j++) {
    const k0 = 2 * j, odd = k0 + 1 >= K;
    const rowOut = col + (<usize>(j * PS) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const ra = tapRow(p, plane, k0, oy), rb = odd ? 0 : tapRow(p, plane, k0 + 1, oy);
      let d = rowOut + (<usize>(oy * OW) << 2);
      if (sw == 1) {
        for (let ox = 0; ox < OW; ox += 8, d += 32) {
          const a = v128.load(ra + (<usize>ox << 1)), b = odd ? zero : v128.load(rb + (<usize>ox << 1));
          v128.store(d, i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
          v128.store(d, i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
        }
      } else {
        for (let ox = 0; ox < OW; ox++, d += 4) {
          const o = <usize>(ox * sw) << 1;
          store<i16>(d, load<i16>(ra + o));
          store<i16>(d, odd ? 0 : load<i16>(rb + o), 2);
        }
      }
    }
  }
}

/**
 * Images [n0, n1): x [N][C][H][W] int32, w [Cout][Cg][kh][kw] int32, bias int32 (0: none),
 * m0/shift int32 per output channel, y [N][Cout][OH][OW] int32.
 */
export function qconv(p: usize, x: usize, w: usize, bias: usize, m0: usize, shift: usize, y: usize, ws: usize, n0: i32, n1: i32): void {
  const G = pi(p, P_GROUPS), Cout = pi(p, P_COUT), Mg = Cout / G, OHW = pi(p, P_OH) * pi(p, P_OW), P8 = roundUp(OHW, 8);
  const zy = pi(p, Q_ZY), lo = pi(p, Q_LO), hi = pi(p, Q_HI);
  const nb = blocks(p), kp = kPairs(p);
  const wpk = (ws + 15) & ~(<usize>15);
  const col = wpk + <usize>packedWeightBytes(p);
  const plane = col + <usize>colBytes(p);
  const tmp = plane + <usize>planeBytes(p);
  const rowB = <usize>pixStride(p) << 2;
  packWeights(p, w, wpk);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      padPlanes16(p, x, n, g, plane);
      im2col(p, plane, col);
      for (let b = 0; b < nb; b++) {
        const co = g * Mg + b * 4, valid = min(4, Mg - b * 4);
        const wb = wpk + <usize>((g * nb + b) * kp * 16);
        const b0 = bias != 0 ? load<i32>(bias + (<usize>co << 2)) : 0;
        const b1 = bias != 0 && valid > 1 ? load<i32>(bias + (<usize>(co + 1) << 2)) : 0;
        const b2 = bias != 0 && valid > 2 ? load<i32>(bias + (<usize>(co + 2) << 2)) : 0;
        const b3 = bias != 0 && valid > 3 ? load<i32>(bias + (<usize>(co + 3) << 2)) : 0;
        for (let px = 0; px < P8; px += 8) {
          let a0 = i32x4.splat(b0), a1 = a0, e0 = i32x4.splat(b1), e1 = e0;
          let f0 = i32x4.splat(b2), f1 = f0, h0 = i32x4.splat(b3), h1 = h0;
          let xq = col + (<usize>px << 2), wq = wb;
          for (let k2 = 0; k2 < kp; k2++) {
            const x0 = v128.load(xq), x1 = v128.load(xq, 16);
            let wv = v128.load32_splat(wq);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(wv, x0)); a1 = i32x4.add(a1, i32x4.dot_i16x8_s(wv, x1));
            wv = v128.load32_splat(wq, 4);
            e0 = i32x4.add(e0, i32x4.dot_i16x8_s(wv, x0)); e1 = i32x4.add(e1, i32x4.dot_i16x8_s(wv, x1));
            wv = v128.load32_splat(wq, 8);
            f0 = i32x4.add(f0, i32x4.dot_i16x8_s(wv, x0)); f1 = i32x4.add(f1, i32x4.dot_i16x8_s(wv, x1));
            wv = v128.load32_splat(wq, 12);
            h0 = i32x4.add(h0, i32x4.dot_i16x8_s(wv, x0)); h1 = i32x4.add(h1, i32x4.dot_i16x8_s(wv, x1));
            xq += rowB; wq += 16;
          }
          v128.store(tmp, a0); v128.store(tmp, a1, 16); v128.store(tmp, e0, 32); v128.store(tmp, e1, 48);
          v128.store(tmp, f0, 64); v128.store(tmp, f1, 80); v128.store(tmp, h0, 96); v128.store(tmp, h1, 112);
          const cols = min(8, OHW - px);
          for (let r = 0; r < valid; r++) {
            const c = co + r, m = load<i32>(m0 + (<usize>c << 2)), s = load<i32>(shift + (<usize>c << 2));
            const out = y + (<usize>((n * Cout + c) * OHW + px) << 2), src = tmp + (<usize>(r * 8) << 2);
            for (let i = 0; i < cols; i++) {
              store<i32>(out + (<usize>i << 2), requant(load<i32>(src + (<usize>i << 2)), m, s, zy, lo, hi));
            }
          }
        }
      }
    }
  }
}
