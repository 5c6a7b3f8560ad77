// Region placement: choose which buffers live in on-chip memory (a capacity in bytes) and which
// spill to DDR. Buffers with a fixed region keep it; the rest are ranked by reads per byte
// (small, often-read buffers first) and admitted on-chip while the greedy on-chip arena still
// fits the capacity. Each region then gets its own greedy plan. With blockBytes, on-chip memory
// is that many equal blocks (banks of the target) and no buffer straddles two: each admitted
// buffer goes to the first block whose own greedy arena still fits the block.
import { BwvmError } from '../util/errors.js';
import { greedyPlan } from './greedy.js';
import type { Interval, Plan, PlanOptions } from './types.js';

export interface RegionOptions extends PlanOptions {
  /** On-chip bytes available for these buffers. */
  onChipBytes: number;
  /** Buffers larger than this never go on-chip (default: onChipBytes). */
  maxOnChipBuffer?: number;
  /** Size of one on-chip block; onChipBytes / blockBytes blocks (rounded down). */
  blockBytes?: number;
}

export interface RegionPlan {
  onchip: Plan;
  ddr: Plan;
  /** id -> 'onchip' | 'ddr'. */
  region: Map<string, 'onchip' | 'ddr'>;
}

const score = (x: Interval) => (x.uses ?? 1) / Math.max(1, x.size);

function placeBlocks(xs: readonly Interval[], o: RegionOptions & { blockBytes: number }): RegionPlan {
  const nb = Math.floor(o.onChipBytes / o.blockBytes);
  if (!(o.blockBytes > 0) || nb < 1) throw new BwvmError('MEM_CAPACITY', `on-chip capacity ${o.onChipBytes} holds no block of ${o.blockBytes} bytes`, { hint: 'blockBytes must be positive and at most the capacity' });
  if (xs.some((x) => x.region === 'onchip')) throw new BwvmError('MEM_CAPACITY', 'buffers pinned on-chip are not supported with blocks', { hint: 'leave region unset and let the planner choose' });
  const blocks: Interval[][] = Array.from({ length: nb }, () => []);
  const ddr: Interval[] = xs.filter((x) => x.region === 'ddr');
  const ranked = xs.filter((x) => x.region !== 'ddr').sort((a, b) => score(b) - score(a) || a.size - b.size || a.first - b.first);
  for (const x of ranked) {
    const home = x.size <= Math.min(o.blockBytes, o.maxOnChipBuffer ?? Infinity) ? blocks.find((b) => greedyPlan([...b, x], o).arenaBytes <= o.blockBytes) : undefined;
    if (home) home.push(x); else ddr.push(x);
  }
  const region = new Map<string, 'onchip' | 'ddr'>();
  const placements = blocks.flatMap((b, k) => greedyPlan(b, o).placements.map((p) => {
    region.set(p.id, 'onchip');
    return { ...p, offset: p.offset + k * o.blockBytes, block: k, region: 'onchip' };
  }));
  for (const x of ddr) region.set(x.id, 'ddr');
  const dp = greedyPlan(ddr, o);
  return {
    onchip: { placements, arenaBytes: placements.reduce((m, p) => Math.max(m, p.offset + p.size), 0), alignment: dp.alignment },
    ddr: { ...dp, placements: dp.placements.map((q) => ({ ...q, region: 'ddr' })) },
    region,
  };
}

export function placeRegions(xs: readonly Interval[], o: RegionOptions): RegionPlan {
  if (o.blockBytes !== undefined) return placeBlocks(xs, { ...o, blockBytes: o.blockBytes });
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
