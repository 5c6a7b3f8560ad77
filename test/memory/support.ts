// Test helpers for the memory planners: seeded random lifetimes.
import type { Interval } from '../../src/memory/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

export function randomIntervals(seed: number, n: number): Interval[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const first = Math.floor(r() * 40);
    return { id: `b${i}`, size: 1 + Math.floor(r() * 5000), first, last: first + Math.floor(r() * 10), uses: 1 + Math.floor(r() * 4) };
  });
}
