// The lower bound of any plan: the largest total size of buffers live at one step
// (no placement can use less memory than what must coexist).
import { alignUp, type Interval } from './types.js';

/** Max over steps of the summed (aligned) sizes of the buffers live at that step. */
export function lowerBound(xs: readonly Interval[], alignment = 1): number {
  const events: [number, number][] = [];
  for (const x of xs) {
    const s = alignUp(x.size, alignment);
    events.push([x.first, s], [x.last + 1, -s]);
  }
  // frees at step t happen before allocations at step t (closed intervals end at t-1)
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0, best = 0;
  for (const [, d] of events) { cur += d; best = Math.max(best, cur); }
  return best;
}

/** Total live bytes at each step 0..maxLast (for timelines). */
export function liveBytesPerStep(xs: readonly Interval[]): number[] {
  const end = xs.reduce((m, x) => Math.max(m, x.last), -1);
  const out = new Array<number>(end + 1).fill(0);
  for (const x of xs) for (let t = Math.max(0, x.first); t <= x.last; t++) out[t]! += x.size;
  return out;
}
