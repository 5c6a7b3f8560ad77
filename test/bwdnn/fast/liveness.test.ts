// Buffer placement of the compiled forward (src/bwdnn/fast/liveness.ts): overlapping
// lifetimes never share bytes, disjoint ones reuse them, and chains reach the live bound.
import { describe, it, expect } from 'vitest';
import { placeBuffers, liveBound, type Interval } from '../../../src/bwdnn/fast/liveness.js';

function overlapsOk(bufs: Interval[], offsets: number[]): boolean {
  for (let i = 0; i < bufs.length; i++) for (let j = i + 1; j < bufs.length; j++) {
    const a = bufs[i]!, b = bufs[j]!;
    const timeOverlap = a.first <= b.last && b.first <= a.last;
    const spaceOverlap = offsets[i]! < offsets[j]! + b.bytes && offsets[j]! < offsets[i]! + a.bytes;
    if (timeOverlap && spaceOverlap) return false;
  }
  return true;
}

describe('placeBuffers', () => {
  it('a chain of steps needs two buffers (ping-pong)', () => {
    const bufs = Array.from({ length: 6 }, (_, i) => ({ bytes: 1024, first: i - 1, last: i }));
    const { offsets, total } = placeBuffers(bufs);
    expect(total).toBe(2048);
    expect(total).toBe(liveBound(bufs));
    expect(overlapsOk(bufs, offsets)).toBe(true);
  });

  it('a residual value stays live across its block; random sets never overlap', () => {
    const bufs: Interval[] = [{ bytes: 640, first: -1, last: 3 }, { bytes: 640, first: 0, last: 1 }, { bytes: 640, first: 1, last: 2 }, { bytes: 640, first: 2, last: 3 }];
    const r = placeBuffers(bufs);
    expect(overlapsOk(bufs, r.offsets)).toBe(true);
    expect(r.total).toBe(3 * 640);
    let s = 1;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 50; trial++) {
      const set = Array.from({ length: 12 }, () => { const f = Math.floor(rnd() * 10); return { bytes: 64 + Math.floor(rnd() * 5000), first: f, last: f + Math.floor(rnd() * 4) }; });
      const p = placeBuffers(set);
      expect(overlapsOk(set, p.offsets)).toBe(true);
      expect(p.offsets.every((o) => o % 64 === 0)).toBe(true);
      expect(p.total).toBeGreaterThanOrEqual(liveBound(set));
    }
  });
});
