// Memory planners: no overlap among simultaneously live buffers (property test over random
// intervals), greedy <= linear, bounds, alignment, hand-computed small cases, region placement.
import { describe, expect, it } from 'vitest';
import { findOverlaps, greedyPlan, linearPlan, lowerBound, placeRegions, type Interval } from '../../src/memory/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

function randomIntervals(seed: number, n: number): Interval[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const first = Math.floor(r() * 40);
    return { id: `b${i}`, size: 1 + Math.floor(r() * 5000), first, last: first + Math.floor(r() * 10), uses: 1 + Math.floor(r() * 4) };
  });
}

describe('greedy and linear planners', () => {
  it('never overlap simultaneously live buffers, respect alignment, and greedy <= linear (200 random cases)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const xs = randomIntervals(seed, 1 + (seed % 40));
      const align = [1, 4, 16, 64][seed % 4]!;
      const g = greedyPlan(xs, { alignment: align });
      const l = linearPlan(xs, { alignment: align });
      expect(findOverlaps(g.placements)).toEqual([]);
      expect(findOverlaps(l.placements)).toEqual([]);
      expect(g.placements.every((p) => p.offset % align === 0)).toBe(true);
      expect(g.placements.map((p) => p.id)).toEqual(xs.map((x) => x.id));
      expect(g.arenaBytes).toBeLessThanOrEqual(l.arenaBytes);
      expect(g.arenaBytes).toBeGreaterThanOrEqual(lowerBound(xs));
    }
  });

  it('reuses memory of dead buffers on a chain (arena = two largest neighbours)', () => {
    const xs: Interval[] = [
      { id: 'a', size: 100, first: 0, last: 1 },
      { id: 'b', size: 300, first: 1, last: 2 },
      { id: 'c', size: 100, first: 2, last: 3 },
      { id: 'd', size: 200, first: 3, last: 4 },
    ];
    const g = greedyPlan(xs, { alignment: 1 });
    expect(g.arenaBytes).toBe(400);
    expect(lowerBound(xs)).toBe(400);
    expect(linearPlan(xs, { alignment: 1 }).arenaBytes).toBe(700);
    expect(g.placements.find((p) => p.id === 'b')!.offset).toBe(0);
  });

  it('detects an overlap in a hand-made bad plan', () => {
    const bad = [{ id: 'x', size: 10, first: 0, last: 2, offset: 0 }, { id: 'y', size: 10, first: 2, last: 3, offset: 5 }];
    expect(findOverlaps(bad)).toEqual([['x', 'y']]);
    expect(findOverlaps([bad[0]!, { ...bad[1]!, first: 3 }])).toEqual([]);
  });

  it('rejects malformed intervals with MEM_INTERVAL', () => {
    expect(() => greedyPlan([{ id: 'a', size: 4, first: 3, last: 1 }])).toThrow(/lifetime/);
    expect(() => linearPlan([{ id: 'a', size: 4, first: 0, last: 1 }, { id: 'a', size: 4, first: 0, last: 1 }])).toThrow(/twice/);
  });

  it('lower bound counts aligned sizes and frees before allocations of the next step', () => {
    expect(lowerBound([{ id: 'a', size: 3, first: 0, last: 0 }, { id: 'b', size: 5, first: 1, last: 1 }])).toBe(5);
    expect(lowerBound([{ id: 'a', size: 3, first: 0, last: 1 }, { id: 'b', size: 5, first: 1, last: 1 }], 4)).toBe(12);
    expect(lowerBound([])).toBe(0);
  });
});

describe('region placement', () => {
  it('keeps the on-chip arena within capacity and spills the rest to DDR', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const xs = randomIntervals(seed * 7, 30);
      const cap = 8000;
      const rp = placeRegions(xs, { onChipBytes: cap, alignment: 16 });
      expect(rp.onchip.arenaBytes).toBeLessThanOrEqual(cap);
      expect(rp.onchip.placements.length + rp.ddr.placements.length).toBe(xs.length);
      expect(findOverlaps(rp.onchip.placements)).toEqual([]);
      expect(findOverlaps(rp.ddr.placements)).toEqual([]);
      expect(rp.onchip.placements.every((p) => p.region === 'onchip')).toBe(true);
    }
  });

  it('with blocks: no buffer straddles a block, each block arena fits, no overlaps', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const xs = randomIntervals(seed * 13, 30);
      const rp = placeRegions(xs, { onChipBytes: 3 * 4096, blockBytes: 4096, alignment: 16 });
      expect(findOverlaps(rp.onchip.placements)).toEqual([]);
      for (const p of rp.onchip.placements) {
        expect(p.block).toBeGreaterThanOrEqual(0);
        expect(p.block).toBeLessThan(3);
        expect(p.offset).toBeGreaterThanOrEqual(p.block! * 4096);
        expect(p.offset + p.size).toBeLessThanOrEqual((p.block! + 1) * 4096);
      }
      expect(rp.onchip.placements.length + rp.ddr.placements.length).toBe(xs.length);
      expect(rp.onchip.placements.length).toBeGreaterThan(0);
      expect(rp.ddr.placements.every((p) => p.size > 4096 || rp.region.get(p.id) === 'ddr')).toBe(true);
    }
    expect(() => placeRegions([], { onChipBytes: 100, blockBytes: 200 })).toThrow(/no block/);
  });

  it('prefers small often-read buffers on-chip and honours fixed regions', () => {
    const xs: Interval[] = [
      { id: 'big', size: 1000, first: 0, last: 3, uses: 1 },
      { id: 'hot', size: 100, first: 0, last: 3, uses: 5 },
      { id: 'pinned', size: 50, first: 0, last: 3, region: 'ddr' },
    ];
    const rp = placeRegions(xs, { onChipBytes: 500, alignment: 1 });
    expect(rp.region.get('hot')).toBe('onchip');
    expect(rp.region.get('big')).toBe('ddr');
    expect(rp.region.get('pinned')).toBe('ddr');
    expect(() => placeRegions([{ id: 'p', size: 600, first: 0, last: 0, region: 'onchip' }], { onChipBytes: 500 })).toThrow(/pinned/);
  });
});
