// Plan validation: input intervals well formed, and no two simultaneously live buffers
// overlapping in memory. Used by the planners' tests and by callers as a safety net.
import { BwvmError } from '../util/errors.js';
import { liveTogether, type Interval, type Placement } from './types.js';

/** Throw MEM_INTERVAL on a malformed interval (negative size, last < first, duplicate id). */
export function checkIntervals(xs: readonly Interval[]): void {
  const seen = new Set<string>();
  for (const x of xs) {
    if (seen.has(x.id)) throw new BwvmError('MEM_INTERVAL', `buffer '${x.id}' is listed twice`, { hint: 'give every buffer a unique id' });
    seen.add(x.id);
    if (!(Number.isFinite(x.size) && x.size >= 0)) throw new BwvmError('MEM_INTERVAL', `buffer '${x.id}' has invalid size ${x.size}`);
    if (!(Number.isInteger(x.first) && Number.isInteger(x.last) && x.last >= x.first)) {
      throw new BwvmError('MEM_INTERVAL', `buffer '${x.id}' has lifetime [${x.first}, ${x.last}]`, { hint: 'first and last are integer steps with last >= first' });
    }
  }
}

/** Pairs of buffers that are live at the same time and share bytes (empty = valid plan). */
export function findOverlaps(ps: readonly Placement[]): [string, string][] {
  const out: [string, string][] = [];
  const sorted = [...ps].sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    if (a.size === 0) continue;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.offset >= a.offset + a.size) break;
      if (b.size > 0 && liveTogether(a, b)) out.push([a.id, b.id]);
    }
  }
  return out;
}
