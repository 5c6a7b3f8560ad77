// The runtime's on-chip allocator: alignment, reuse after release (coalescing), a clear
// DSPLIB_NO_MEMORY error, and a seeded random alloc/release sequence in which live buffers never overlap.
import { describe, expect, test } from 'vitest';
import { ChipAllocator, overlaps } from '../../../src/dsplib/runtime/index.js';
import { isBwvmError } from '../../../src/util/errors.js';

describe('ChipAllocator', () => {
  test('aligned first fit, and released ranges are reused after coalescing', () => {
    const a = new ChipAllocator(0, 1000, 8);
    expect(a.alloc('a', 10)).toBe(0);
    expect(a.alloc('b', 10)).toBe(16);
    expect(a.alloc('c', 100)).toBe(32);
    a.release('a'); a.release('b');
    expect(a.alloc('d', 30)).toBe(0); // a and b merged into one 32-word hole
    expect(a.peak).toBe(132);
  });

  test('out of memory names the request and the largest free range', () => {
    const a = new ChipAllocator(0, 100, 1);
    a.alloc('x', 60);
    try { a.alloc('big', 50); throw new Error('no error'); } catch (e) {
      expect(isBwvmError(e) && e.code).toBe('DSPLIB_NO_MEMORY');
      expect((e as Error).message).toMatch(/'big' needs 50 words; the largest free range has 40/);
    }
  });

  test('random alloc/release: live buffers never overlap and stay in range', () => {
    let s = 12345;
    const rnd = (n: number): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    const a = new ChipAllocator(64, 20000, 4);
    const live: string[] = [];
    let allocated = 0;
    for (let i = 0; i < 1500; i++) {
      if (live.length && rnd(3) === 0) { a.release(live.splice(rnd(live.length), 1)[0]!); continue; }
      try { const at = a.alloc(`b${i}`, 1 + rnd(700)); expect(at % 4).toBe(0); live.push(`b${i}`); allocated++; } catch (e) {
        if (!(isBwvmError(e) && e.code === 'DSPLIB_NO_MEMORY')) throw e;
      }
      const blocks = a.live();
      if (overlaps(blocks).length || blocks.some((b) => b.addr < 64 || b.addr + b.words > 20000)) throw new Error(`bad state at step ${i}`);
    }
    expect(allocated).toBeGreaterThan(500);
    for (const n of live) a.release(n);
    expect(a.alloc('all', 20000 - 64, 1)).toBe(64); // everything coalesced back
  });

  test('overlaps() finds an overlap', () => {
    expect(overlaps([{ name: 'a', addr: 0, words: 10 }, { name: 'b', addr: 9, words: 2 }])).toEqual([['a', 'b']]);
  });
});
