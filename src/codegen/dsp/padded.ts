// Generated mode's padded hand-off between conv layers: a conv (or depthwise) whose kernel would first copy its
// input into a zero-bordered scratch (pad > 0) reads it in place instead, because the conv producing
// that input stores straight into the same layout (C planes of Hpp x Wpp words, image at row and
// column `pad`). The buffer's border (and the kernel's rounding margin) must be zero when the
// consumer runs: `borderCode` zeroes it just before the producer (the planner may have let another
// buffer use the region earlier), or the data image holds it zero when no other buffer shares it.
import type { DspKernel } from '../../dsplib/index.js';
import { zeroStores } from './zero.js';
import type { TargetDesc } from '../../target/index.js';
import type { LoweredCall } from '../library/index.js';
import type { LayerGroup } from './fuse.js';
import { groupConvShape, paddedInput, relaid } from './kernels.js';

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
 * The hand-offs of a program: consumer i is a conv or depthwise group whose kernel copies its input (pad >= 1), that
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
    const sh = k && paddedInput(k);
    if ((s.grp.kind !== 'conv' && s.grp.kind !== 'dwconv') || !k || !sh || k.params.copyIn !== 1 || !x || !('value' in x)) return;
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

/** Border words of a zero-bordered buffer: everything of its C planes but the image. */
export const borderWords = (e: PaddedEdge): number => e.C * (e.Hpp * e.Wpp - e.H * e.W);

/**
 * Each plane's border as runs [offset, words] in the plane: the top rows and the first left border, the gaps
 * between image rows (a row's right border and the next row's left border), the last right border and the rows below.
 */
export function borderRuns(e: PaddedEdge): Array<[number, number]> {
  const { H, W, pad, Hpp, Wpp } = e;
  const runs: Array<[number, number]> = [[0, pad * Wpp + pad]];
  for (let r = 0; r + 1 < H; r++) runs.push([(pad + r) * Wpp + pad + W, Wpp - W]);
  const last = (pad + H - 1) * Wpp + pad + W;
  runs.push([last, Hpp * Wpp - last]);
  return runs;
}

/**
 * Straight code zeroing the border of buffer `at` (and nothing else) before its producer runs: stores only, of
 * zero registers (zero.ts), one loop over the C planes.
 */
export function borderCode(e: PaddedEdge, at: number, t: TargetDesc, prefix: string): string[] {
  return zeroStores({ runs: borderRuns(e), planes: e.C, plane: e.Hpp * e.Wpp, at }, t, prefix);
}
