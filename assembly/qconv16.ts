// Integer convolution of the fast engine for 16-bit activations, where x - zp_x does not fit int16:
// raw x (zp_x in the border) as interleaved int16 im2col columns, int16 weight pairs,
// i32x4.dot_i16x8_s (a pair sum of products of int16 values with |w| <= 32767 fits int32) widened
// into int64 accumulators in a 4-output-channel x 4-pixel tile, starting from
// bias - zp_x * sum(w) per channel (the caller's int64 table), so acc = bias + sum (x - zp_x) * w
// exactly. Requantization rndsh(acc * M0, n) in int64 through M0 = mh 2^16 + ml, exact for
// |acc| < 2^47 and 17 <= n <= 62 (src/bwdnn/quant/fast-conv.ts checks both).
import { pi, roundUp, P_COUT, P_GROUPS, P_OH, P_OW } from './params';
import { Q_ZX, Q_ZY, Q_LO, Q_HI, kPairs, blocks, pixStride, startCall, prepareColumns, spillTile, wsWeights, wsCol, wsTmp } from './qcols';

/** floor((acc*m0 + 2^(n-1)) / 2^n) = floor((acc*mh + 2^(n-17) + floor(acc*ml / 2^16)) / 2^(n-16)), then + zp, saturated. */
// @ts-ignore: decorator
@inline function requant64(acc: i64, m0: i32, n: i32, zy: i32, lo: i32, hi: i32): i32 {
  const mh = <i64>(m0 >>> 16), ml = <i64>(m0 & 0xffff);
  let v = (acc * mh + (<i64>1 << <i64>(n - 17)) + ((acc * ml) >> 16)) >> <i64>(n - 16);
  v += <i64>zy;
  if (v < <i64>lo) v = <i64>lo;
  if (v > <i64>hi) v = <i64>hi;
  return <i32>v;
}

// @ts-ignore: decorator
@inline function widenAdd(acc: v128, d: v128, high: bool): v128 {
  return i64x2.add(acc, high ? i64x2.extend_high_i32x4_s(d) : i64x2.extend_low_i32x4_s(d));
}

/**
 * Images [n0, n1): x [N][C][H][W] int32, w [Cout][Cg][kh][kw] int32, base int64 per output channel
 * (bias - zp_x * sum of the channel's weights), m0/shift int32 per output channel, y int32.
 */
export function qconv16(p: usize, x: usize, w: usize, base: usize, m0: usize, shift: usize, y: usize, ws: usize, n0: i32, n1: i32): void {
  const G = pi(p, P_GROUPS), Cout = pi(p, P_COUT), Mg = Cout / G, OHW = pi(p, P_OH) * pi(p, P_OW), P8 = roundUp(OHW, 8);
  const zy = pi(p, Q_ZY), lo = pi(p, Q_LO), hi = pi(p, Q_HI);
  const nb = blocks(p), kp = kPairs(p);
  startCall(p, w, ws);
  const wpk = wsWeights, col = wsCol, tmp = wsTmp, rowB = <usize>pixStride(p) << 2;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      prepareColumns(p, x, n, g, 0, pi(p, Q_ZX));
      for (let b = 0; b < nb; b++) {
        const co = g * Mg + b * 4, valid = min(4, Mg - b * 4);
        const wb = wpk + <usize>((g * nb + b) * kp * 16);
        const s0 = i64x2.splat(load<i64>(base + (<usize>co << 3)));
        const s1 = i64x2.splat(valid > 1 ? load<i64>(base + (<usize>(co + 1) << 3)) : 0);
        const s2 = i64x2.splat(valid > 2 ? load<i64>(base + (<usize>(co + 2) << 3)) : 0);
        const s3 = i64x2.splat(valid > 3 ? load<i64>(base + (<usize>(co + 3) << 3)) : 0);
        for (let px = 0; px < P8; px += 4) {
          let a0 = s0, a1 = s0, e0 = s1, e1 = s1, f0 = s2, f1 = s2, h0 = s3, h1 = s3;
          let xq = col + (<usize>px << 2), wq = wb;
          for (let k2 = 0; k2 < kp; k2++) {
            const xv = v128.load(xq);
            let d = i32x4.dot_i16x8_s(v128.load32_splat(wq), xv);
            a0 = widenAdd(a0, d, false); a1 = widenAdd(a1, d, true);
            d = i32x4.dot_i16x8_s(v128.load32_splat(wq, 4), xv);
            e0 = widenAdd(e0, d, false); e1 = widenAdd(e1, d, true);
            d = i32x4.dot_i16x8_s(v128.load32_splat(wq, 8), xv);
            f0 = widenAdd(f0, d, false); f1 = widenAdd(f1, d, true);
            d = i32x4.dot_i16x8_s(v128.load32_splat(wq, 12), xv);
            h0 = widenAdd(h0, d, false); h1 = widenAdd(h1, d, true);
            xq += rowB; wq += 16;
          }
          spillTile(tmp, a0, a1, e0, e1, f0, f1, h0, h1);
          const cols = min(4, OHW - px);
          for (let r = 0; r < valid; r++) {
            const c = co + r, m = load<i32>(m0 + (<usize>c << 2)), s = load<i32>(shift + (<usize>c << 2));
            const out = y + (<usize>((n * Cout + c) * OHW + px) << 2), src = tmp + (<usize>(r * 4) << 3);
            for (let i = 0; i < cols; i++) {
              store<i32>(out + (<usize>i << 2), requant64(load<i64>(src + (<usize>i << 3)), m, s, zy, lo, hi));
            }
          }
        }
      }
    }
  }
}
