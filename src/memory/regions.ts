// Region placement: choose which buffers live in on-chip memory (a capacity in bytes) and which
// spill to DDR. Buffers with a fixed region keep it; the rest are ranked by reads per byte
// (small, often-read buffers first) and admitted on-chip while the greedy on-chip arena still
// fits the capacity. Each region then gets its own greedy plan.
import { BwvmError } from '../util/errors.js';
import { greedyPlan } from './greedy.js';
import type { Interval, Plan, PlanOptions } from './types.js';

export interface RegionOptions extends PlanOptions {
  /** On-chip bytes available for these buffers. */
  onChipBytes: number;
  /** Buffers larger than this never go on-chip (default: onChipBytes). */
  maxOnChipBuffer?: number;
}

export interface RegionPlan {
  onchip: Plan;
  ddr: Plan;
  /** id -> 'onchip' | 'ddr'. */
  region: Map<string, 'onchip' | 'ddr'>;
}

const score = (x: Interval) => (x.uses ?? 1) / Math.max(1, x.size);

export function placeRegions(xs: readonly Interval[], o: RegionOptions): RegionPlan {
  if (!(o.onChipBytes >= 0)) throw new BwvmError('MEM_CAPACITY', `on-chip capacity ${o.onChipBytes} must be >= 0 bytes`);
  const maxBuf = o.maxOnChipBuffer ?? o.onChipBytes;
  const fixedOn = xs.filter((x) => x.region === 'onchip');
  const fixedDdr = xs.filter((x) => x.region === 'ddr');
  const free = xs.filter((x) => x.region !== 'onchip' && x.region !== 'ddr');
  const on: Interval[] = [...fixedOn];
  if (greedyPlan(on, o).arenaBytes > o.onChipBytes) {
    throw new BwvmError('MEM_CAPACITY', `buffers pinned on-chip need ${greedyPlan(on, o).arenaBytes} bytes, capacity is ${o.onChipBytes}`, { hint: 'pin fewer buffers on-chip or raise the capacity' });
  }
  const ddr: Interval[] = [...fixedDdr];
  const ranked = [...free].sort((a, b) => score(b) - score(a) || a.size - b.size || a.first - b.first);
  for (const x of ranked) {
    if (x.size > maxBuf) { ddr.push(x); continue; }
    on.push(x);
    if (greedyPlan(on, o).arenaBytes > o.onChipBytes) { on.pop(); ddr.push(x); }
  }
  const region = new Map<string, 'onchip' | 'ddr'>();
  for (const x of on) region.set(x.id, 'onchip');
  for (const x of ddr) region.set(x.id, 'ddr');
  const tag = (p: Plan, r: 'onchip' | 'ddr'): Plan => ({ ...p, placements: p.placements.map((q) => ({ ...q, region: r })) });
  return { onchip: tag(greedyPlan(on, o), 'onchip'), ddr: tag(greedyPlan(ddr, o), 'ddr'), region };
}
