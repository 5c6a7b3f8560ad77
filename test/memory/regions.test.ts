// placeRegions: on-chip capacity respected, spills to DDR, blocks never straddled, ranking and
// fixed regions.
import { describe, expect, it } from 'vitest';
import { findOverlaps, placeRegions, type Interval } from '../../src/memory/index.js';
import { randomIntervals } from './support.js';


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
