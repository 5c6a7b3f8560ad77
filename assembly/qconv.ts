// Integer convolution of the fixed-point executor's fast engine: (x - zp_x) as int16 im2col
// columns with reduction-index pairs interleaved, weights as int16 pairs, i32x4.dot_i16x8_s
// (8 multiply-adds per instruction) into int32 accumulators in a 4-output-channel x 8-pixel
// register tile, then per channel y = saturate(zp_y + rndsh(acc * M0, n)) in int64: exactly the
// reference's arithmetic. The caller guarantees every |x - zp_x|, |w| <= 32767 and that no sum can
// leave int32 (src/bwdnn/quant/fast-conv.ts checks the bound), so integer addition order is free.
import { pi, roundUp, P_COUT, P_GROUPS, P_OH, P_OW } from './params';
import { Q_ZX, Q_ZY, Q_LO, Q_HI, kPairs, blocks, pixStride, startCall, prepareColumns, spillTile, wsWeights, wsCol, wsTmp } from './qcols';

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

/**
 * Images [n0, n1): x [N][C][H][W] int32, w [Cout][Cg][kh][kw] int32, bias int32 (0: none),
 * m0/shift int32 per output channel, y [N][Cout][OH][OW] int32.
 */
export function qconv(p: usize, x: usize, w: usize, bias: usize, m0: usize, shift: usize, y: usize, ws: usize, n0: i32, n1: i32): void {
  const G = pi(p, P_GROUPS), Cout = pi(p, P_COUT), Mg = Cout / G, OHW = pi(p, P_OH) * pi(p, P_OW), P8 = roundUp(OHW, 8);
  const zy = pi(p, Q_ZY), lo = pi(p, Q_LO), hi = pi(p, Q_HI);
  const nb = blocks(p), kp = kPairs(p);
  startCall(p, w, ws);
  const wpk = wsWeights, col = wsCol, tmp = wsTmp, rowB = <usize>pixStride(p) << 2;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      prepareColumns(p, x, n, g, pi(p, Q_ZX), 0);
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
          spillTile(tmp, a0, a1, e0, e1, f0, f1, h0, h1);
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
