// Convolution as GEMM: weights [Cout/g, Cin/g*kh*kw] times an implicit im2col view of a
// zero-padded image, packed straight into B panels (no materialized column matrix).
// Any stride, padding, dilation and group count. With one group the weights are packed once
// per call (not once per image). Optional residual (params[P_RES]) added before the activation.
import { gemmDriver, gemmWorkspaceBytes, setBIm2col, prepackA, clearPackedA, packedABytes, setResidual } from './gemm';
import { padPlanes } from './pad';
import { pi, pf, P_N, P_C, P_H, P_W, P_COUT, P_KH, P_KW, P_SH, P_SW, P_PH, P_PW, P_DH, P_DW, P_GROUPS, P_OH, P_OW, P_ACT, P_ALPHA, P_RES } from './params';

function paddedH(p: usize): i32 {
  return max(pi(p, P_H) + pi(p, P_PH), (pi(p, P_OH) - 1) * pi(p, P_SH) + (pi(p, P_KH) - 1) * pi(p, P_DH) + 1);
}
function paddedW(p: usize): i32 {
  return max(pi(p, P_W) + pi(p, P_PW), (pi(p, P_OW) - 1) * pi(p, P_SW) + (pi(p, P_KW) - 1) * pi(p, P_DW) + 1);
}
function needsPad(p: usize): bool {
  return pi(p, P_PH) != 0 || pi(p, P_PW) != 0 || paddedH(p) != pi(p, P_H) || paddedW(p) != pi(p, P_W);
}

export function conv2dGemmWorkspaceBytes(p: usize): i32 {
  const C = pi(p, P_C), g = pi(p, P_GROUPS);
  const Kg = (C / g) * pi(p, P_KH) * pi(p, P_KW);
  const pad = needsPad(p) ? C * paddedH(p) * paddedW(p) : 0;
  const packed = g == 1 ? packedABytes(pi(p, P_COUT), Kg) + 64 : 0;
  return gemmWorkspaceBytes() + (Kg + pi(p, P_OH) * pi(p, P_OW) + 8 + pad) * 4 + 64 + packed;
}

/** Images [n0, n1), output columns (flattened oy*OW+ox) [j0, j1). */
export function conv2dGemm(p: usize, x: usize, w: usize, b: usize, y: usize, ws: usize,
  n0: i32, n1: i32, j0: i32, j1: i32): void {
  const C = pi(p, P_C), H = pi(p, P_H), W = pi(p, P_W), Cout = pi(p, P_COUT);
  const kh = pi(p, P_KH), kw = pi(p, P_KW), sh = pi(p, P_SH), sw = pi(p, P_SW);
  const dh = pi(p, P_DH), dw = pi(p, P_DW), G = pi(p, P_GROUPS), OH = pi(p, P_OH), OW = pi(p, P_OW);
  const act = pi(p, P_ACT), alpha = pf(p, P_ALPHA);
  const Cg = C / G, Coutg = Cout / G, Kg = Cg * kh * kw, OHW = OH * OW;
  const pad = needsPad(p);
  const Hp = pad ? paddedH(p) : H, Wp = pad ? paddedW(p) : W;
  const gws = ws;
  const kOff = (gws + <usize>gemmWorkspaceBytes() + 15) & ~(<usize>15);
  const jOff = kOff + (<usize>Kg << 2);
  const padBuf = (jOff + (<usize>(OHW + 8) << 2) + 15) & ~(<usize>15);
  for (let ci = 0, k = 0; ci < Cg; ci++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++, k++)
        store<i32>(kOff + (<usize>k << 2), ci * Hp * Wp + ky * dh * Wp + kx * dw);
  for (let oy = 0, j = 0; oy < OH; oy++)
    for (let ox = 0; ox < OW; ox++, j++)
      store<i32>(jOff + (<usize>j << 2), oy * sh * Wp + ox * sw);
  const packBuf = (padBuf + (<usize>(pad ? C * Hp * Wp : 0) << 2) + 63) & ~(<usize>63);
  if (G == 1) prepackA(w, Kg, 1, Coutg, Kg, packBuf);
  const res = <usize>pi(p, P_RES);
  setResidual(res != 0 ? res - y : 0);
  for (let n = n0; n < n1; n++) {
    let src = x + (<usize>(n * C * H * W) << 2);
    if (pad) {
      padPlanes(src, C, H, W, pi(p, P_PH), pi(p, P_PW), Hp, Wp, padBuf);
      src = padBuf;
    }
    for (let g = 0; g < G; g++) {
      setBIm2col(src + (<usize>(g * Cg * Hp * Wp) << 2), kOff, jOff);
      const a = w + (<usize>(g * Coutg * Kg) << 2);
      const c = y + (<usize>((n * Cout + g * Coutg) * OHW) << 2);
      const bias = b != 0 ? b + (<usize>(g * Coutg) << 2) : 0;
      gemmDriver(Kg, a, Kg, 1, c, OHW, bias, b != 0 ? 1 : 0, act, alpha, gws, 0, Coutg, j0, j1);
    }
  }
  clearPackedA();
  setResidual(0);
}
