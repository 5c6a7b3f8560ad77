// Buffer placement for the compiled forward: each buffer lives over steps [first, last]
// (inclusive); buffers whose lifetimes overlap get disjoint byte ranges of one block.
// Greedy by size (largest first), lowest fitting offset; offsets aligned to 64 bytes.

export interface Interval { bytes: number; first: number; last: number }

const ALIGN = 64;
const up = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Offsets (same order as `bufs`) and the block size they need. */
export function placeBuffers(bufs: Interval[]): { offsets: number[]; total: number } {
  const order = bufs.map((_, i) => i).sort((a, b) => bufs[b]!.bytes - bufs[a]!.bytes || bufs[a]!.first - bufs[b]!.first);
  const offsets = new Array<number>(bufs.length).fill(0);
  const placed: { off: number; end: number; b: Interval }[] = [];
  let total = 0;
  for (const i of order) {
    const b = bufs[i]!, need = up(b.bytes);
    const busy = placed.filter((p) => p.b.first <= b.last && b.first <= p.b.last).sort((x, y) => x.off - y.off);
    let off = 0;
    for (const p of busy) {
      if (p.off - off >= need) break;
      off = Math.max(off, p.end);
    }
    offsets[i] = off;
    placed.push({ off, end: off + need, b });
    total = Math.max(total, off + need);
  }
  return { offsets, total };
}

/** The largest total bytes live at one step: no placement can use less. */
export function liveBound(bufs: Interval[]): number {
  const steps = new Set(bufs.flatMap((b) => [b.first, b.last]));
  let best = 0;
  for (const s of steps) best = Math.max(best, bufs.filter((b) => b.first <= s && s <= b.last).reduce((a, b) => a + up(b.bytes), 0));
  return best;
}
