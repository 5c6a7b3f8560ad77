// lowerBound: largest total of simultaneously live (aligned) buffer sizes.
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../src/memory/index.js';

describe('lowerBound', () => {
  it('lower bound counts aligned sizes and frees before allocations of the next step', () => {
    expect(lowerBound([{ id: 'a', size: 3, first: 0, last: 0 }, { id: 'b', size: 5, first: 1, last: 1 }])).toBe(5);
    expect(lowerBound([{ id: 'a', size: 3, first: 0, last: 1 }, { id: 'b', size: 5, first: 1, last: 1 }], 4)).toBe(12);
    expect(lowerBound([])).toBe(0);
  });
});
