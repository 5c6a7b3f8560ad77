// Max / average pooling (NCHW) on the WebAssembly kernels, split over planes across threads.
import type { DnnRuntime } from './runtime.js';
import { splitRange } from './runtime.js';
import { BwvmError } from '../../util/errors.js';

export interface PoolGeometry {
  N: number; C: number; H: number; W: number; kh: number; kw: number;
  mode: 'max' | 'avg';
  /** default: the kernel size */
  stride?: [number, number];
  /** [top, left, bottom, right] */
  pads?: [number, number, number, number];
  dilation?: [number, number];
  /** avg: count padded positions in the divisor (the window clipped to the padded input) */
  countIncludePad?: boolean;
  ceilMode?: boolean;
}

export function poolOutputShape(g: PoolGeometry): [number, number, number, number] {
  const [sh, sw] = g.stride ?? [g.kh, g.kw];
  const [pt, pl, pb, pr] = g.pads ?? [0, 0, 0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  const r = g.ceilMode ? Math.ceil : Math.floor;
  let OH = r((g.H + pt + pb - dh * (g.kh - 1) - 1) / sh) + 1;
  let OW = r((g.W + pl + pr - dw * (g.kw - 1) - 1) / sw) + 1;
  // a ceil-mode window must start inside the input or the top/left padding
  if (g.ceilMode && (OH - 1) * sh >= g.H + pt) OH--;
  if (g.ceilMode && (OW - 1) * sw >= g.W + pl) OW--;
  if (OH < 1 || OW < 1) throw new BwvmError('bwdnn.pool-shape', `pool: window ${g.kh}x${g.kw} does not fit the ${g.H}x${g.W} input`);
  return [g.N, g.C, OH, OW];
}

/** Planes below this many output values run on one thread. */
const PARALLEL_MIN_OUTPUTS = 1 << 16;

export function pool2dPtr(rt: DnnRuntime, g: PoolGeometry, x: number, y: number): void {
  const [, , OH, OW] = poolOutputShape(g);
  const [sh, sw] = g.stride ?? [g.kh, g.kw];
  const [pt, pl, pb, pr] = g.pads ?? [0, 0, 0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  const p = rt.params([g.N, g.C, g.H, g.W, g.kh, g.kw, sh, sw, pt, pl, dh, dw, OH, OW, g.mode === 'avg' ? 1 : 0, g.countIncludePad ? 1 : 0, pb, pr]);
  try {
    const planes = g.N * g.C;
    const T = planes * OH * OW * g.kh * g.kw >= PARALLEL_MIN_OUTPUTS * 4 ? rt.threads : 1;
    rt.parallel('pool2d', splitRange(planes, T).map(([s, e]) => (e <= s ? null : [p, x, y, s, e])));
  } finally {
    rt.arena.free(p);
  }
}

export function pool2d(rt: DnnRuntime, x: Float32Array, g: PoolGeometry): { data: Float32Array; shape: number[] } {
  const shape = poolOutputShape(g);
  const n = shape.reduce((a, b) => a * b, 1);
  const px = rt.upload(x), py = rt.arena.alloc(n * 4);
  try {
    pool2dPtr(rt, g, px, py);
    return { data: rt.download(py, n), shape };
  } finally {
    rt.arena.free(px); rt.arena.free(py);
  }
}
