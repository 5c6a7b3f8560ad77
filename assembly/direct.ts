// Direct convolution for few input channels per group (stride 1): 4 output channels x 8
// output pixels in 8 f32x4 accumulators over a zero-padded image, weights repacked as
// [block][ci][ky][kx][4]. Beats im2col+GEMM when K = Cin/g*kh*kw is tiny (first layers).
import { madd, actVec } from './common';
import { padPlanes } from './pad';
import { pi, pf, roundUp, P_C, P_H, P_W, P_COUT, P_KH, P_KW, P_PH, P_PW, P_DH, P_DW, P_GROUPS, P_OH, P_OW, P_ACT, P_ALPHA } from './params';

function dHp(p: usize): i32 { return max(pi(p, P_H) + pi(p, P_PH), pi(p, P_OH) + (pi(p, P_KH) - 1) * pi(p, P_DH)); }
function dWp(p: usize): i32 { return max(pi(p, P_W) + pi(p, P_PW), roundUp(pi(p, P_OW), 8) + (pi(p, P_KW) - 1) * pi(p, P_DW)); }
function packedWeightFloats(p: usize): i32 {
  const G = pi(p, P_GROUPS);
  const nCB = (pi(p, P_COUT) / G + 3) / 4;
  return G * nCB * (pi(p, P_C) / G) * pi(p, P_KH) * pi(p, P_KW) * 4;
}

export function conv2dDirectWorkspaceBytes(p: usize): i32 {
  return (packedWeightFloats(p) + pi(p, P_C) * dHp(p) * dWp(p) + 8) * 4 + 64;
}

/** Images [n0, n1), (group, 4-channel block) tasks [t0, t1) with t = g*nCB + cb. */
export function conv2dDirect(p: usize, x: usize, w: usize, b: usize, y: usize, ws: usize,
  n0: i32, n1: i32, t0: i32, t1: i32): void {
  const C = pi(p, P_C), H = pi(p, P_H), W = pi(p, P_W), Cout = pi(p, P_COUT);
  const kh = pi(p, P_KH), kw = pi(p, P_KW), dh = pi(p, P_DH), dw = pi(p, P_DW);
  const G = pi(p, P_GROUPS), OH = pi(p, P_OH), OW = pi(p, P_OW);
  const act = pi(p, P_ACT), alpha = pf(p, P_ALPHA);
  const Cg = C / G, Coutg = Cout / G, nCB = (Coutg + 3) / 4, taps = Cg * kh * kw, OHW = OH * OW;
  const Hp = dHp(p), Wp = dWp(p);
  const wpk = ws;
  const padBuf = (wpk + (<usize>packedWeightFloats(p) << 2) + 15) & ~(<usize>15);
  // repack weights: [g][cb][ci][ky][kx][r]
  for (let g = 0; g < G; g++)
    for (let cb = 0; cb < nCB; cb++) {
      let d = wpk + (<usize>((g * nCB + cb) * taps * 4) << 2);
      for (let t = 0; t < taps; t++)
        for (let r = 0; r < 4; r++, d += 4) {
          const co = cb * 4 + r;
          store<f32>(d, co < Coutg ? load<f32>(w + (<usize>((g * Coutg + co) * taps + t) << 2)) : 0);
        }
    }
  const rowB = <usize>Wp << 2, planeB = <usize>(Hp * Wp) << 2;
  for (let n = n0; n < n1; n++) {
    padPlanes(x + (<usize>(n * C * H * W) << 2), C, H, W, pi(p, P_PH), pi(p, P_PW), Hp, Wp, padBuf);
    for (let t = t0; t < t1; t++) {
      const g = t / nCB, cb = t % nCB;
      const co = g * Coutg + cb * 4;
      const valid = min(4, Coutg - cb * 4);
      const wt = wpk + (<usize>(t * taps * 4) << 2);
      const src = padBuf + <usize>(g * Cg) * planeB;
      const b0: f32 = b != 0 ? load<f32>(b + (<usize>co << 2)) : 0;
      const b1: f32 = b != 0 && valid > 1 ? load<f32>(b + (<usize>(co + 1) << 2)) : 0;
      const b2: f32 = b != 0 && valid > 2 ? load<f32>(b + (<usize>(co + 2) << 2)) : 0;
      const b3: f32 = b != 0 && valid > 3 ? load<f32>(b + (<usize>(co + 3) << 2)) : 0;
      const out = y + (<usize>((n * Cout + co) * OHW) << 2);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox += 8) {
          let a0 = f32x4.splat(b0), a1 = a0, e0 = f32x4.splat(b1), e1 = e0;
          let f0 = f32x4.splat(b2), f1 = f0, h0 = f32x4.splat(b3), h1 = h0;
          let wq = wt;
          for (let ci = 0; ci < Cg; ci++) {
            for (let ky = 0; ky < kh; ky++) {
              let xp = src + <usize>ci * planeB + <usize>(oy + ky * dh) * rowB + (<usize>ox << 2);
              for (let kx = 0; kx < kw; kx++) {
                const x0 = v128.load(xp), x1 = v128.load(xp, 16);
                let wv = v128.load32_splat(wq);
                a0 = madd(wv, x0, a0); a1 = madd(wv, x1, a1);
                wv = v128.load32_splat(wq, 4);
                e0 = madd(wv, x0, e0); e1 = madd(wv, x1, e1);
                wv = v128.load32_splat(wq, 8);
                f0 = madd(wv, x0, f0); f1 = madd(wv, x1, f1);
                wv = v128.load32_splat(wq, 12);
                h0 = madd(wv, x0, h0); h1 = madd(wv, x1, h1);
                wq += 16; xp += <usize>dw << 2;
              }
            }
          }
          if (act != 0) {
            a0 = actVec(a0, act, alpha); a1 = actVec(a1, act, alpha);
            e0 = actVec(e0, act, alpha); e1 = actVec(e1, act, alpha);
            f0 = actVec(f0, act, alpha); f1 = actVec(f1, act, alpha);
            h0 = actVec(h0, act, alpha); h1 = actVec(h1, act, alpha);
          }
          const o = out + (<usize>(oy * OW + ox) << 2);
          const plane = <usize>OHW << 2;
          if (valid == 4 && ox + 8 <= OW) {
            v128.store(o, a0); v128.store(o, a1, 16);
            v128.store(o + plane, e0); v128.store(o + plane, e1, 16);
            v128.store(o + 2 * plane, f0); v128.store(o + 2 * plane, f1, 16);
            v128.store(o + 3 * plane, h0); v128.store(o + 3 * plane, h1, 16);
          } else {
            const cols = min(8, OW - ox);
            storePart(o, a0, a1, cols);
            if (valid > 1) storePart(o + plane, e0, e1, cols);
            if (valid > 2) storePart(o + 2 * plane, f0, f1, cols);
            if (valid > 3) storePart(o + 3 * plane, h0, h1, cols);
          }
        }
      }
    }
  }
}

function storePart(o: usize, v0: v128, v1: v128, cols: i32): void {
  if (cols >= 4) v128.store(o, v0);
  else {
    store<f32>(o, f32x4.extract_lane(v0, 0));
    if (cols > 1) store<f32>(o, f32x4.extract_lane(v0, 1), 4);
    if (cols > 2) store<f32>(o, f32x4.extract_lane(v0, 2), 8);
    return;
  }
  if (cols == 8) { v128.store(o, v1, 16); return; }
  if (cols > 4) store<f32>(o, f32x4.extract_lane(v1, 0), 16);
  if (cols > 5) store<f32>(o, f32x4.extract_lane(v1, 1), 20);
  if (cols > 6) store<f32>(o, f32x4.extract_lane(v1, 2), 24);
}

