// Greedy offset assignment: buffers largest first (ties: earlier first, then id), each placed
// at the lowest aligned offset that does not collide with an already placed buffer whose
// lifetime overlaps its own (first fit among simultaneously live buffers).
import { checkIntervals } from './check.js';
import { alignUp, liveTogether, type Interval, type Placement, type Plan, type PlanOptions } from './types.js';

export function greedyPlan(xs: readonly Interval[], o: PlanOptions = {}): Plan {
  checkIntervals(xs);
  const alignment = o.alignment ?? 16;
  const order = [...xs].sort((a, b) => b.size - a.size || a.first - b.first || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const placed: Placement[] = [];
  for (const x of order) {
    const busy = placed.filter((p) => p.size > 0 && liveTogether(p, x)).sort((a, b) => a.offset - b.offset);
    let off = 0;
    for (const p of busy) {
      if (off + x.size <= p.offset) break; // fits in the gap before p
      off = Math.max(off, alignUp(p.offset + p.size, alignment));
    }
    placed.push({ ...x, offset: off });
  }
  const byId = new Map(placed.map((p) => [p.id, p]));
  const placements = xs.map((x) => byId.get(x.id)!);
  const arenaBytes = placements.reduce((m, p) => Math.max(m, p.offset + p.size), 0);
  return { placements, arenaBytes, alignment };
}
