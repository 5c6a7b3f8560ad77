// The no-reuse baseline: every buffer gets its own aligned slot, one after another.
import { checkIntervals } from './check.js';
import { alignUp, type Interval, type Plan, type PlanOptions } from './types.js';

export function linearPlan(xs: readonly Interval[], o: PlanOptions = {}): Plan {
  checkIntervals(xs);
  const alignment = o.alignment ?? 16;
  let off = 0;
  const placements = xs.map((x) => {
    const p = { ...x, offset: off };
    off = alignUp(off + x.size, alignment);
    return p;
  });
  const arenaBytes = placements.reduce((m, p) => Math.max(m, p.offset + p.size), 0);
  return { placements, arenaBytes, alignment };
}
