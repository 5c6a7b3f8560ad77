// greedy and linear planners: no overlap among simultaneously live buffers (property test over
// random intervals), alignment, greedy <= linear, reuse on a chain, malformed intervals.
import { describe, expect, it } from 'vitest';
import { findOverlaps, greedyPlan, linearPlan, lowerBound, type Interval } from '../../src/memory/index.js';
import { randomIntervals } from './support.js';


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
  it('rejects malformed intervals with MEM_INTERVAL', () => {
    expect(() => greedyPlan([{ id: 'a', size: 4, first: 3, last: 1 }])).toThrow(/lifetime/);
    expect(() => linearPlan([{ id: 'a', size: 4, first: 0, last: 1 }, { id: 'a', size: 4, first: 0, last: 1 }])).toThrow(/twice/);
  });
});
