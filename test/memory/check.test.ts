// findOverlaps: flags buffers live together that share bytes, accepts disjoint lifetimes.
import { describe, expect, it } from 'vitest';
import { findOverlaps } from '../../src/memory/index.js';

describe('findOverlaps', () => {
  it('detects an overlap in a hand-made bad plan', () => {
    const bad = [{ id: 'x', size: 10, first: 0, last: 2, offset: 0 }, { id: 'y', size: 10, first: 2, last: 3, offset: 5 }];
    expect(findOverlaps(bad)).toEqual([['x', 'y']]);
    expect(findOverlaps([bad[0]!, { ...bad[1]!, first: 3 }])).toEqual([]);
  });
});
