// Generated mode's padded hand-off between conv layers: a conv whose kernel would first copy its
// input into a zero-bordered scratch (pad > 0) reads it in place instead, because the conv producing
// that input stores straight into the same layout (C planes of Hpp x Wpp words, image at row and
// column `pad`). The buffer's border (and the kernel's rounding margin) must be zero when the
// consumer runs: `borderCode` zeroes it just before the producer (the planner may have let another
// buffer use the region earlier), or the data image holds it zero when no other buffer shares it.
import type { DspKernel } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import type { LoweredCall } from '../library/index.js';
import { copyCode } from './bands.js';
import type { LayerGroup } from './fuse.js';
import { groupConvShape, relaid } from './kernels.js';

/** One producer -> consumer hand-off through a zero-bordered buffer. */
export interface PaddedEdge {
  producer: number; consumer: number;
  /** The value (its own buffer root) handed over. */
  value: string;
  C: number; H: number; W: number; pad: number;
  /** Rows and row pitch of each of the C planes. */
  Hpp: number; Wpp: number;
}

/**
 * The hand-offs of a program: consumer i is a conv group whose kernel copies its input (pad >= 1), that
 * input is read by no other step, is no graph input / output or alias, and is the output of a conv group.
 * `kernelOf(i)`: the one kernel step i runs (all its output-channel tiles share it; undefined: banded).
 */
export function paddedEdges(steps: Array<{ grp: LayerGroup; call: LoweredCall }>, kernelOf: (i: number) => DspKernel | undefined,
  rootOf: (v: string) => string, fixed: ReadonlySet<string>): PaddedEdge[] {
  const readers = new Map<string, number>();
  const producer = new Map<string, number>();
  steps.forEach((s, i) => {
    for (const [sym, src] of Object.entries(s.call.args)) {
      if (!('value' in src)) continue;
      const r = rootOf(src.value);
      if (sym === 'y') producer.set(r, i);
      else readers.set(r, (readers.get(r) ?? 0) + 1);
    }
  });
  const edges: PaddedEdge[] = [];
  steps.forEach((s, i) => {
    const k = kernelOf(i), x = s.call.args.x;
    const sh = k && groupConvShape(k);
    if (s.grp.kind !== 'conv' || !k || !sh || k.params.copyIn !== 1 || !x || !('value' in x)) return;
    const v = x.value, j = producer.get(v);
    if (rootOf(v) !== v || fixed.has(v) || readers.get(v) !== 1 || j === undefined || j >= i) return;
    const p = steps[j]!, pk = kernelOf(j);
    if (p.grp.kind !== 'conv' || !pk || !groupConvShape(pk) || p.grp.output !== v || sh.pad < 1) return;
    edges.push({ producer: j, consumer: i, value: v, C: sh.C, H: sh.H, W: sh.W, pad: sh.pad, Hpp: k.params.Hpp!, Wpp: k.params.Wpp! });
  });
  return edges;
}

/**
 * Each step's kernel with its hand-off layouts: consumers read x in place, producers store into the consumer's
 * layout. `nearW`: consumers whose x shares a memory block with their filters where they run (scheduled so).
 */
export function relaidKernels(kernelOf: (i: number) => DspKernel | undefined, edges: PaddedEdge[], t: TargetDesc, nearW: ReadonlySet<number> = new Set()): Map<number, DspKernel> {
  const lay = new Map<number, Parameters<typeof relaid>[2]>();
  for (const e of edges) {
    lay.set(e.consumer, { ...lay.get(e.consumer), xPadded: true, ...(nearW.has(e.consumer) ? { xNearW: true } : {}) });
    lay.set(e.producer, { ...lay.get(e.producer), yLayout: { row: e.Wpp, plane: e.Hpp * e.Wpp, offset: e.pad * e.Wpp + e.pad } });
  }
  return new Map([...lay].map(([i, l]) => [i, relaid(kernelOf(i)!, t, l)]));
}

/** Words of a zero-bordered buffer. */
export const paddedWords = (e: PaddedEdge): number => e.C * e.Hpp * e.Wpp;

/** Words `borderCode` stores per run: everything of the C planes but the image, Wpp - W words per plane twice. */
export const borderWords = (e: PaddedEdge): number => e.C * (e.pad * e.Wpp + (e.H + 1) * (e.Wpp - e.W) + (e.Hpp - e.pad - e.H) * e.Wpp);

/** Longest run the zeroing copies read from the zero row (their `zeros` source). */
export const ZERO_ROW = 256;

/**
 * Straight code zeroing everything of buffer `at` but the image: per plane the top `pad` rows, the
 * gaps between image rows (right border + next left border), and the rows below the image.
 * Copies from a zero row of ZERO_ROW words at `zeros`.
 */
export function borderCode(e: PaddedEdge, at: number, zeros: number, t: TargetDesc, prefix: string): string[] {
  const { C, H, W, pad, Hpp, Wpp } = e, plane = Hpp * Wpp;
  const out: string[] = [];
  let n = 0;
  const fill = (off: number, rows: number, cols: number): void => {
    for (let c0 = 0; c0 < cols; c0 += ZERO_ROW) {
      out.push(...copyCode({ src: zeros, srcRow: 0, srcPlane: 0, dst: at + off + c0, dstRow: Wpp, dstPlane: plane, planes: C, rows, cols: Math.min(ZERO_ROW, cols - c0) }, t, `${prefix}${n++}`));
    }
  };
  fill(0, pad, Wpp); // top rows (the gap after row pad-1 overlaps their end)
  fill((pad - 1) * Wpp + pad + W, H + 1, Wpp - W); // from each row's right border to the next row's left border
  fill((pad + H) * Wpp, Hpp - pad - H, Wpp); // bottom rows and the rounding margin
  return out;
}
