// Obviously-correct JS loop versions of the bwDNN kernels (the test oracle), plus seeded
// random data and the relative-error measure the kernel tests use.

export function rand(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** max |a-b| / max(1, max|b|) */
export function relErr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1, err = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= err)) err = Number.isNaN(d) ? Infinity : d;
  }
  return err / scale;
}

export function act(x: number, kind: string, alpha = 0.01): number {
  switch (kind) {
    case 'relu': return Math.max(0, x);
    case 'relu6': return Math.min(6, Math.max(0, x));
    case 'leaky': return x >= 0 ? x : alpha * x;
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'hardswish': return (x * Math.min(6, Math.max(0, x + 3))) / 6;
    default: return x;
  }
}

export function naiveGemm(a: Float32Array, b: Float32Array, M: number, N: number, K: number,
  o: { transA?: boolean; transB?: boolean; bias?: Float32Array; biasPer?: 'row' | 'col'; act?: string } = {}): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (o.transA ? a[k * M + i] : a[i * K + k]) * (o.transB ? b[j * K + k] : b[k * N + j]);
    if (o.bias) s += o.biasPer === 'col' ? o.bias[j] : o.bias[i];
    c[i * N + j] = act(s, o.act ?? 'none');
  }
  return c;
}

export interface G { N: number; C: number; H: number; W: number; Cout: number; kh: number; kw: number;
  stride?: [number, number]; pads?: [number, number, number, number]; dilation?: [number, number]; groups?: number }

export function naiveConv(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, g: G, actKind = 'none'): { data: Float32Array; shape: number[] } {
  const [sh, sw] = g.stride ?? [1, 1];
  const [pt, pl, pb, pr] = g.pads ?? [0, 0, 0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  const G_ = g.groups ?? 1;
  const OH = Math.floor((g.H + pt + pb - dh * (g.kh - 1) - 1) / sh) + 1;
  const OW = Math.floor((g.W + pl + pr - dw * (g.kw - 1) - 1) / sw) + 1;
  const Cg = g.C / G_, Coutg = g.Cout / G_;
  const y = new Float32Array(g.N * g.Cout * OH * OW);
  for (let n = 0; n < g.N; n++) for (let co = 0; co < g.Cout; co++) {
    const grp = Math.floor(co / Coutg);
    for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      let s = bias ? bias[co] : 0;
      for (let ci = 0; ci < Cg; ci++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
        const iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
        if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) continue;
        s += x[((n * g.C + grp * Cg + ci) * g.H + iy) * g.W + ix] * w[((co * Cg + ci) * g.kh + ky) * g.kw + kx];
      }
      y[((n * g.Cout + co) * OH + oy) * OW + ox] = act(s, actKind);
    }
  }
  return { data: y, shape: [g.N, g.Cout, OH, OW] };
}

export function naivePool(x: Float32Array, N: number, C: number, H: number, W: number, kh: number, kw: number,
  o: { stride?: [number, number]; pads?: [number, number, number, number]; mode: 'max' | 'avg'; countIncludePad?: boolean; ceilMode?: boolean }): Float32Array {
  const [sh, sw] = o.stride ?? [kh, kw];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const r = o.ceilMode ? Math.ceil : Math.floor;
  let OH = r((H + pt + pb - kh) / sh) + 1, OW = r((W + pl + pr - kw) / sw) + 1;
  if (o.ceilMode && (OH - 1) * sh >= H + pt) OH--;
  if (o.ceilMode && (OW - 1) * sw >= W + pl) OW--;
  const y = new Float32Array(N * C * OH * OW);
  for (let p = 0; p < N * C; p++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    let m = -Infinity, s = 0, cnt = 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      const v = x[(p * H + iy) * W + ix];
      m = Math.max(m, v); s += v; cnt++;
    }
    const hs = oy * sh - pt, ws = ox * sw - pl;
    const div = o.countIncludePad ? (Math.min(hs + kh, H + pb) - hs) * (Math.min(ws + kw, W + pr) - ws) : cnt;
    y[(p * OH + oy) * OW + ox] = o.mode === 'max' ? m : s / div;
  }
  return y;
}
