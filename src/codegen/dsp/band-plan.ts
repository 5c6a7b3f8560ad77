// Which activations generated mode keeps in DDR and the band height of each banded conv layer.
// A value may live in DDR when a conv group (no residual addend) produces it and only such groups
// read it (as their input), and it is neither a graph input nor output. Candidates go to DDR largest
// first until the program fits; for a set, every banded layer takes the tallest band whose buffers
// fit a common budget, and the largest budget that builds wins (taller bands = fewer halo rows
// re-read = fewer DDR words; the buffers are shared by all banded layers).
import type { LowerContext, LoweredCall } from '../library/index.js';
import { type BandLayer, bandHeights, bandWords } from '../tiling/index.js';
import type { LayerGroup } from './fuse.js';

/** The band view of a conv group (undefined: not bandable: not a plain conv, or a residual addend). */
export function bandLayerOf(grp: LayerGroup, c: LowerContext): Omit<BandLayer, 'inDdr' | 'outDdr'> | undefined {
  if (grp.kind !== 'conv' || grp.addend) return undefined;
  const n = c.node, a = n.attrs;
  const [, C, H, W] = c.shape(n.inputs[0]!), [M, , kH, kW] = c.shape(n.inputs[1]!);
  const stride = ((a.strides as number[] | undefined) ?? [1, 1])[0]!, pad = ((a.pads as number[] | undefined) ?? [0, 0, 0, 0])[0]!;
  if (pad > 8) return undefined; // the zero-bordered buffer has 8 guard words each side
  return { layer: grp.name, C: C!, H: H!, W: W!, M: M!, kH: kH!, kW: kW!, stride, pad, pool: grp.pool !== undefined };
}

/** Values that may live in DDR, largest first (roots of the steps' value arguments). */
export function ddrCandidates(steps: Array<{ grp: LayerGroup; call: LoweredCall }>, bandable: boolean[], rootOf: (v: string) => string,
  fixed: Set<string>, words: (v: string) => number): string[] {
  const ok = new Map<string, boolean>();
  const mark = (v: string, good: boolean): void => { ok.set(v, (ok.get(v) ?? true) && good); };
  steps.forEach((s, i) => {
    for (const [sym, src] of Object.entries(s.call.args)) {
      if (!('value' in src)) continue;
      mark(rootOf(src.value), bandable[i]! && (sym === 'x' || sym === 'y'));
    }
  });
  return [...ok].filter(([v, good]) => good && !fixed.has(v)).map(([v]) => v).sort((a, b) => words(b) - words(a) || (a < b ? -1 : 1));
}

/** The tallest band of `l` whose buffers fit `budget` words (undefined: none does). */
function tallest(l: BandLayer, budget: number): number | undefined {
  return bandHeights(l).filter((th) => bandWords(l, th) <= budget).at(-1);
}

/**
 * Band heights for `layers`: `forced` rows for all (even with a pool), else the largest common buffer
 * budget for which `build` succeeds (binary search; build returns undefined when it does not fit).
 */
export function searchBands<T>(layers: BandLayer[], build: (th: number[]) => T | undefined, forced?: number): T | undefined {
  if (forced !== undefined) return build(layers.map((l) => Math.min(l.pool ? forced + (forced % 2) : forced, Math.max(...bandHeights(l)))));
  const budgets = [...new Set(layers.flatMap((l) => bandHeights(l).map((th) => bandWords(l, th))))].sort((a, b) => a - b);
  const floor = Math.max(...layers.map((l) => bandWords(l, bandHeights(l)[0]!))); // every layer has at least its smallest band
  const usable = budgets.filter((b) => b >= floor);
  let lo = 0, hi = usable.length - 1;
  let best: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = build(layers.map((l) => tallest(l, usable[mid]!)!));
    if (r !== undefined) { best = r; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}
