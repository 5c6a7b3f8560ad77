// Convolution backward on the WebAssembly kernels. Input gradient: a stride-1 forward
// convolution (conv2dPtr, so every algorithm and both threads) of the zero-inserted output
// gradient with the flipped, transposed weights. Weight gradient: one gather-GEMM per group,
// dW[g] = dY[g] (channel-major) * im2col(Xpad[g])^T, split over groups, columns or rows.
import type { DnnRuntime } from './runtime.js';
import { splitRange } from './runtime.js';
import { conv2dPtr, full, type ConvGeometry } from './conv.js';
import { PARALLEL_MIN_FLOPS } from './gemm.js';

const MIN_SPLIT_ELEMENTS = 1 << 16;

/** Whether the input gradient can run as a transposed forward conv (pads <= dilation*(k-1)). */
export function convInputGradSupported(g: ConvGeometry): boolean {
  const f = full(g);
  return f.pt <= f.dh * (f.kh - 1) && f.pb <= f.dh * (f.kh - 1) && f.pl <= f.dw * (f.kw - 1) && f.pr <= f.dw * (f.kw - 1);
}

/** Flipped, transposed weights W'[g*Cg+ci, co, ky, kx] = W[g*Coutg+co, ci, kh-1-ky, kw-1-kx] at a new block. */
function flippedWeights(rt: DnnRuntime, g: ConvGeometry, w: number): number {
  const f = full(g);
  const Cg = f.C / f.groups, Coutg = f.Cout / f.groups, taps = f.kh * f.kw, n = f.Cout * Cg * taps;
  const out = rt.arena.alloc(n * 4);
  const src = rt.f32(w, n), dst = rt.f32(out, n);
  for (let gi = 0; gi < f.groups; gi++) for (let co = 0; co < Coutg; co++) for (let ci = 0; ci < Cg; ci++) {
    const s = ((gi * Coutg + co) * Cg + ci) * taps, d = ((gi * Cg + ci) * Coutg + co) * taps;
    for (let t = 0; t < taps; t++) dst[d + t] = src[s + taps - 1 - t]!;
  }
  return out;
}

/** dx [N, C, H, W] = dLoss/dx of y = conv(x, w) given dy [N, Cout, OH, OW]; all arena pointers. */
export function convInputGradPtr(rt: DnnRuntime, g: ConvGeometry, dy: number, w: number, dx: number): void {
  const f = full(g);
  const rh = f.H + f.pt + f.pb - f.dh * (f.kh - 1) - 1 - (f.OH - 1) * f.sh;
  const rw = f.W + f.pl + f.pr - f.dw * (f.kw - 1) - 1 - (f.OW - 1) * f.sw;
  const top = f.dh * (f.kh - 1) - f.pt, left = f.dw * (f.kw - 1) - f.pl;
  const bottom = f.dh * (f.kh - 1) + rh - f.pb, right = f.dw * (f.kw - 1) + rw - f.pr;
  const wt = flippedWeights(rt, g, w);
  const strided = f.sh !== 1 || f.sw !== 1;
  const Hd = (f.OH - 1) * f.sh + 1 + (strided ? top + bottom : 0), Wd = (f.OW - 1) * f.sw + 1 + (strided ? left + right : 0);
  let src = dy;
  try {
    if (strided) {
      const planes = f.N * f.Cout;
      src = rt.arena.alloc(planes * Hd * Wd * 4);
      const T = planes * Hd * Wd >= MIN_SPLIT_ELEMENTS ? rt.threads : 1;
      rt.parallel('dilatePlanes', splitRange(planes, T).map(([s, e]) => (e <= s ? null : [dy, src, f.OH, f.OW, f.sh, f.sw, top, left, Hd, Wd, s, e])));
    }
    const tg: ConvGeometry = {
      N: f.N, C: f.Cout, H: Hd, W: Wd, Cout: f.C, kh: f.kh, kw: f.kw, groups: f.groups, dilation: [f.dh, f.dw],
      pads: strided ? [0, 0, 0, 0] : [top, left, bottom, right],
    };
    conv2dPtr(rt, tg, src, wt, 0, dx);
  } finally {
    rt.arena.free(wt);
    if (src !== dy) rt.arena.free(src);
  }
}

/** dw [Cout, C/groups, kh, kw] = dLoss/dw given x and dy; all arena pointers. */
export function convWeightGradPtr(rt: DnnRuntime, g: ConvGeometry, x: number, dy: number, dw: number): void {
  const f = full(g);
  const G = f.groups, Cg = f.C / G, Coutg = f.Cout / G, Kg = Cg * f.kh * f.kw, OHW = f.OH * f.OW, P = f.N * OHW;
  const Hp = f.H + f.pt + f.pb, Wp = f.W + f.pl + f.pr, plane = Hp * Wp;
  const padded = Hp !== f.H || Wp !== f.W;
  const ex = rt.exports;
  const blocks: number[] = [];
  const alloc = (bytes: number) => { const p = rt.arena.alloc(bytes); blocks.push(p); return p; };
  try {
    const xp = padded ? alloc(f.N * f.C * plane * 4) : x;
    const dyT = alloc(f.Cout * P * 4), kTab = alloc(P * 4), jTab = alloc(Kg * 4);
    const big = f.N * f.C * plane >= MIN_SPLIT_ELEMENTS ? rt.threads : 1;
    if (padded) {
      rt.parallel('padBatch', splitRange(f.N, big).map(([s, e]) => (e <= s ? null : [x, xp, f.C, f.H, f.W, f.pt, f.pl, Hp, Wp, s, e])));
    }
    rt.parallel('toChannelMajor', splitRange(f.Cout, f.Cout * P >= MIN_SPLIT_ELEMENTS ? rt.threads : 1)
      .map(([s, e]) => (e <= s ? null : [dy, dyT, f.N, f.Cout, OHW, s, e])));
    const kt = rt.i32(kTab, P), jt = rt.i32(jTab, Kg);
    for (let n = 0, p = 0; n < f.N; n++) for (let oy = 0; oy < f.OH; oy++) for (let ox = 0; ox < f.OW; ox++, p++) {
      kt[p] = n * f.C * plane + oy * f.sh * Wp + ox * f.sw;
    }
    for (let ci = 0, k = 0; ci < Cg; ci++) for (let ky = 0; ky < f.kh; ky++) for (let kx = 0; kx < f.kw; kx++, k++) {
      jt[k] = ci * plane + ky * f.dh * Wp + kx * f.dw;
    }
    const T = 2 * f.Cout * Kg * P >= PARALLEL_MIN_FLOPS ? rt.threads : 1;
    rt.withWorkspaces(ex.gemmWorkspaceBytes(), (ws) => {
      const share = (t: number, g0: number, g1: number, m0: number, m1: number, n0: number, n1: number) =>
        [P, dyT, P, xp, kTab, jTab, dw, Kg, ws[t]!, Coutg * P, Cg * plane, Coutg * Kg, g0, g1, m0, m1, n0, n1];
      const parts = G >= T && G > 1 ? splitRange(G, T).map(([s, e], t) => (e <= s ? null : share(t, s, e, 0, Coutg, 0, Kg)))
        : Kg >= 16 * T ? splitRange(Kg, T, 8).map(([s, e], t) => (e <= s ? null : share(t, 0, G, 0, Coutg, s, e)))
          : splitRange(Coutg, T, 4).map(([s, e], t) => (e <= s ? null : share(t, 0, G, s, e, 0, Kg)));
      rt.parallel('gemmGather', parts);
    });
  } finally {
    for (const p of blocks) rt.arena.free(p);
  }
}

/** db[co] = sum of dy over images and pixels (JavaScript; memory-bound). */
export function convBiasGrad(dy: Float32Array, N: number, Cout: number): Float32Array {
  const plane = dy.length / (N * Cout), db = new Float32Array(Cout);
  for (let n = 0; n < N; n++) for (let c = 0; c < Cout; c++) {
    let s = 0;
    const o = (n * Cout + c) * plane;
    for (let i = 0; i < plane; i++) s += dy[o + i]!;
    db[c] += s;
  }
  return db;
}
