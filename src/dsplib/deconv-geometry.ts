// Polyphase (sub-pixel) geometry of a 2-D ConvTranspose (ONNX semantics): output phase (a, b) =
// rows a, a+s, ... x columns b, b+s, ... is a stride-1 correlation of the input with the taps
// ky = a+pt (mod s), kx = b+pl (mod s); tap offsets into the zero-padded input; useful MAC count.
import { BwvmError } from '../util/errors.js';
import type { Tap } from './deconv-taps.js';

export interface DeconvShape {
  N?: number; C: number; H: number; W: number; M: number; kH: number; kW: number; stride: number;
  /** Symmetric padding (ONNX pads all equal); `pads` [top, left, bottom, right] overrides it. */
  pad: number;
  pads?: [number, number, number, number];
  /** ONNX output_padding (both spatial dims), < stride. */
  outPad?: number;
}

/** One dimension's phase: outputs a, a+s, ... (count n), taps k with input offset d = (a+pb-k)/s. */
export interface Phase1d { a: number; n: number; taps: Array<{ k: number; d: number }> }

export interface DeconvGeo {
  C: number; H: number; W: number; M: number; kH: number; kW: number; s: number;
  pt: number; pl: number; OH: number; OW: number;
  rows: Phase1d[]; cols: Phase1d[];
  /** Zero rows / columns before the input in the padded copy. */
  PT: number; PL: number;
  /** Useful multiply-accumulates (real input, inside the output). */
  macs: number;
}

function phases(n: number, k: number, s: number, pb: number, O: number): Phase1d[] {
  const out: Phase1d[] = [];
  for (let a = 0; a < s; a++) {
    const taps: Array<{ k: number; d: number }> = [];
    for (let kk = 0; kk < k; kk++) if ((((a + pb - kk) % s) + s) % s === 0) taps.push({ k: kk, d: (a + pb - kk) / s });
    out.push({ a, n: a < O ? Math.ceil((O - a) / s) : 0, taps });
  }
  void n;
  return out;
}

/** (output, tap) pairs of one dimension whose input index is inside the input. */
function usefulPairs(ph: Phase1d[], n: number): number {
  let c = 0;
  for (const p of ph) for (const t of p.taps) for (let i = 0; i < p.n; i++) if (i + t.d >= 0 && i + t.d < n) c++;
  return c;
}

export const deconvText = (sh: DeconvShape): string => {
  const p = sh.pads ?? [sh.pad, sh.pad, sh.pad, sh.pad];
  return `C=${sh.C} ${sh.H}x${sh.W} -> M=${sh.M}, ${sh.kH}x${sh.kW} stride ${sh.stride} pads [${p.join(',')}] output_padding ${sh.outPad ?? 0}`;
};

export function deconvGeometry(sh: DeconvShape): DeconvGeo {
  const { C, H, W, M, kH, kW, stride: s } = sh;
  const bad = (m: string, hint: string): BwvmError => new BwvmError('DSPLIB_SHAPE', `deconv ${m}`, { hint });
  for (const [k, v] of Object.entries({ C, H, W, M, kH, kW, stride: s })) {
    if (!Number.isInteger(v) || v < 1) throw bad(`: ${k} must be a positive integer (got ${v})`, 'give positive integer dimensions');
  }
  const [pt, pl, pb, pr] = sh.pads ?? [sh.pad, sh.pad, sh.pad, sh.pad];
  const op = sh.outPad ?? 0;
  if ([pt, pl, pb, pr, op].some((v) => !Number.isInteger(v) || v < 0)) throw bad(`${deconvText(sh)}: pads and output_padding must be integers >= 0`, 'fix the pads');
  if ((sh.N ?? 1) !== 1) throw bad(`: N=${sh.N}: the kernel computes one image`, 'call the kernel once per image (N=1)');
  if (s > 2) throw bad(`${deconvText(sh)}: stride ${s} not supported`, 'use stride 1 or 2');
  if (op >= s) throw bad(`${deconvText(sh)}: output_padding must be smaller than the stride`, 'use output_padding < stride (ONNX rule)');
  if (kH < s || kW < s) throw bad(`${deconvText(sh)}: kernel smaller than the stride leaves output phases without taps`, 'use a kernel at least as large as the stride');
  const OH = s * (H - 1) + op + kH - pt - pb, OW = s * (W - 1) + op + kW - pl - pr;
  if (OH < 1 || OW < 1) throw bad(`${deconvText(sh)}: pads crop the whole output`, 'use smaller pads');
  const rows = phases(H, kH, s, pt, OH), cols = phases(W, kW, s, pl, OW);
  const minD = (ph: Phase1d[]): number => Math.min(0, ...ph.flatMap((p) => p.taps.map((t) => t.d)));
  return { C, H, W, M, kH, kW, s, pt, pl, OH, OW, rows, cols, PT: -minD(rows), PL: -minD(cols), macs: C * M * usefulPairs(rows, H) * usefulPairs(cols, W) };
}

/** Taps of output phase (rows[a], cols[b]) as offsets into the padded input, and their (ky, kx). */
export function phaseTaps(g: DeconvGeo, a: number, b: number): Array<Tap & { ky: number; kx: number }> {
  const out: Array<Tap & { ky: number; kx: number }> = [];
  for (const ty of g.rows[a]!.taps) for (const tx of g.cols[b]!.taps) out.push({ dy: ty.d + g.PT, dx: tx.d + g.PL, ky: ty.k, kx: tx.k });
  // input order (row, then column): a row stream's last access in a channel is its highest word,
  // so the step to the next channel fits a post-increment
  return out.sort((x, y) => x.dy - y.dy || x.dx - y.dx);
}

/** Weight row pitch of a phase: C*T rounded to odd (the Q rows fall in different banks). */
export const phasePitch = (C: number, T: number): number => (C * T % 2 === 0 ? C * T + 1 : C * T);

/**
 * Lay out ONNX ConvTranspose weights (C, M, kH, kW) as the kernel reads them: phase by phase
 * (row-major over (a, b)), M rows of pitch phasePitch(C, T), row m = [c][tap] = w[c][m][ky][kx].
 */
export function deconvWeights(sh: DeconvShape, w: ArrayLike<number>): Float32Array {
  const g = deconvGeometry(sh);
  const { C, M, kH, kW, s } = g;
  if (w.length !== C * M * kH * kW) throw new BwvmError('DSPLIB_SHAPE', `deconvWeights: ${w.length} weights, expected C*M*kH*kW = ${C * M * kH * kW}`, { hint: 'pass the ONNX ConvTranspose weight (C, M, kH, kW)' });
  const parts: number[] = [];
  for (let a = 0; a < s; a++) for (let b = 0; b < s; b++) {
    const taps = phaseTaps(g, a, b), T = taps.length, Kp = phasePitch(C, T);
    for (let m = 0; m < M; m++) {
      for (let c = 0; c < C; c++) for (const tp of taps) parts.push(w[((c * M + m) * kH + tp.ky) * kW + tp.kx]!);
      for (let k = C * T; k < Kp; k++) parts.push(0);
    }
  }
  return Float32Array.from(parts);
}
