// 2-D convolution (NCHW, weights [Cout, Cin/groups, kh, kw]) on the WebAssembly kernels,
// with the algorithm chosen per shape from a table: depthwise, direct (few input channels,
// stride 1) or im2col+GEMM; bias and activation are fused; threads split images or columns.
import { BwvmError } from '../../util/errors.js';
import type { DnnRuntime } from './runtime.js';
import { splitRange } from './runtime.js';
import { activationCode, type ActivationSpec } from './activation.js';
import { PARALLEL_MIN_FLOPS } from './gemm.js';

export interface ConvGeometry {
  N: number; C: number; H: number; W: number;
  Cout: number; kh: number; kw: number;
  stride?: [number, number];
  /** [top, left, bottom, right] */
  pads?: [number, number, number, number];
  dilation?: [number, number];
  groups?: number;
}
export type ConvAlgo = 'gemm' | 'direct' | 'depthwise';

export interface Full { N: number; C: number; H: number; W: number; Cout: number; kh: number; kw: number; sh: number; sw: number;
  pt: number; pl: number; pb: number; pr: number; dh: number; dw: number; groups: number; OH: number; OW: number }

export function convOutputShape(g: ConvGeometry): [number, number, number, number] {
  const f = full(g);
  return [f.N, f.Cout, f.OH, f.OW];
}

/** The geometry with every default filled in and the output size. */
export function full(g: ConvGeometry): Full {
  const [sh, sw] = g.stride ?? [1, 1];
  const [pt, pl, pb, pr] = g.pads ?? [0, 0, 0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  const groups = g.groups ?? 1;
  const OH = Math.floor((g.H + pt + pb - dh * (g.kh - 1) - 1) / sh) + 1;
  const OW = Math.floor((g.W + pl + pr - dw * (g.kw - 1) - 1) / sw) + 1;
  if (g.C % groups !== 0 || g.Cout % groups !== 0) {
    throw new BwvmError('bwdnn.conv-groups', `conv: channels ${g.C}->${g.Cout} are not divisible by groups=${groups}`);
  }
  if (OH < 1 || OW < 1) throw new BwvmError('bwdnn.conv-shape', `conv: kernel ${g.kh}x${g.kw} does not fit the ${g.H}x${g.W} input`);
  return { N: g.N, C: g.C, H: g.H, W: g.W, Cout: g.Cout, kh: g.kh, kw: g.kw, sh, sw, pt, pl, pb, pr, dh, dw, groups, OH, OW };
}

/** Algorithm table: the first row whose test accepts the shape wins. */
export const CONV_ALGOS: { algo: ConvAlgo; accepts: (f: ConvGeometry) => boolean }[] = [
  { algo: 'depthwise', accepts: (g) => (g.groups ?? 1) > 1 && g.groups === g.C },
  { algo: 'direct', accepts: (g) => (g.stride ?? [1, 1]).every((s) => s === 1) && g.C / (g.groups ?? 1) <= 4 },
  { algo: 'gemm', accepts: () => true },
];

export function chooseConvAlgo(g: ConvGeometry): ConvAlgo {
  return CONV_ALGOS.find((r) => r.accepts(g))!.algo;
}

/**
 * y = act(conv(x, w) + b [+ residual]) on arena pointers (b = 0: no bias). Returns the algorithm
 * used. residual: pointer of a tensor shaped like y, added before the activation (GEMM algorithm only).
 */
export function conv2dPtr(rt: DnnRuntime, g: ConvGeometry, x: number, w: number, b: number, y: number,
  opts: { act?: ActivationSpec; algo?: ConvAlgo; residual?: number } = {}): ConvAlgo {
  const f = full(g);
  const algo = opts.algo ?? chooseConvAlgo(g);
  const res = opts.residual ?? 0;
  if (res && (algo !== 'gemm' || res === y)) throw new BwvmError('bwdnn.conv-residual', `a residual epilogue needs the gemm algorithm (got ${algo}) and a residual other than the output`);
  if (algo === 'depthwise' && f.groups !== f.C) throw new BwvmError('bwdnn.conv-algo', 'depthwise needs groups == C');
  if (algo === 'direct' && (f.sh !== 1 || f.sw !== 1)) throw new BwvmError('bwdnn.conv-algo', 'direct conv needs stride 1');
  const [act, alpha] = activationCode(opts.act);
  const p = rt.params([f.N, f.C, f.H, f.W, f.Cout, f.kh, f.kw, f.sh, f.sw, f.pt, f.pl, f.dh, f.dw, f.groups, f.OH, f.OW, act, { f: alpha }, res]);
  try {
    const flops = 2 * f.N * f.Cout * f.OH * f.OW * (f.C / f.groups) * f.kh * f.kw;
    const T = flops >= PARALLEL_MIN_FLOPS ? rt.threads : 1;
    const ex = rt.exports;
    if (algo === 'depthwise') {
      rt.withWorkspaces(ex.depthwiseWorkspaceBytes(p), (ws) => {
        rt.parallel('depthwise', splitRange(f.N * f.Cout, T).map(([s, e], t) => (e <= s ? null : [p, x, w, b, y, ws[t], s, e])));
      });
    } else if (algo === 'direct') {
      const tasks = f.groups * Math.ceil(f.Cout / f.groups / 4);
      rt.withWorkspaces(ex.conv2dDirectWorkspaceBytes(p), (ws) => {
        const shares = f.N >= T
          ? splitRange(f.N, T).map(([s, e], t) => (e <= s ? null : [p, x, w, b, y, ws[t], s, e, 0, tasks]))
          : splitRange(tasks, T).map(([s, e], t) => (e <= s ? null : [p, x, w, b, y, ws[t], 0, f.N, s, e]));
        rt.parallel('conv2dDirect', shares);
      });
    } else {
      const cols = f.OH * f.OW;
      rt.withWorkspaces(ex.conv2dGemmWorkspaceBytes(p), (ws) => {
        const shares = f.N >= T
          ? splitRange(f.N, T).map(([s, e], t) => (e <= s ? null : [p, x, w, b, y, ws[t], s, e, 0, cols]))
          : splitRange(cols, T, 8).map(([s, e], t) => (e <= s ? null : [p, x, w, b, y, ws[t], 0, f.N, s, e]));
        rt.parallel('conv2dGemm', shares);
      });
    }
    return algo;
  } finally {
    rt.arena.free(p);
  }
}

/** Convolution on Float32Arrays; returns the output and its NCHW shape. */
export function conv2d(rt: DnnRuntime, x: Float32Array, w: Float32Array, bias: Float32Array | undefined, g: ConvGeometry,
  opts: { act?: ActivationSpec; algo?: ConvAlgo } = {}): { data: Float32Array; shape: number[]; algo: ConvAlgo } {
  const shape = convOutputShape(g);
  const n = shape.reduce((a, b) => a * b, 1);
  const px = rt.upload(x), pw = rt.upload(w), pb = bias ? rt.upload(bias) : 0, py = rt.arena.alloc(n * 4);
  try {
    const algo = conv2dPtr(rt, g, px, pw, pb, py, opts);
    return { data: rt.download(py, n), shape, algo };
  } finally {
    for (const q of [px, pw, pb, py]) if (q) rt.arena.free(q);
  }
}
