// The arena over the shared WebAssembly memory: alignment, reuse and coalescing of freed
// blocks, growth, reset, peak accounting and its errors.
import { describe, it, expect } from 'vitest';
import { Arena } from '../../../src/bwdnn/wasm/arena.js';
import { isBwvmError } from '../../../src/util/errors.js';

const mem = () => new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true });

describe('Arena', () => {
  it('hands out 64-byte aligned, non-overlapping blocks above the heap base', () => {
    const a = new Arena(mem(), 3000, 64 * 65536);
    const p = a.alloc(10), q = a.alloc(100), r = a.alloc(1);
    expect(p).toBeGreaterThanOrEqual(3000);
    for (const x of [p, q, r]) expect(x % 64).toBe(0);
    expect(q).toBeGreaterThanOrEqual(p + 64);
    expect(r).toBeGreaterThanOrEqual(q + 128);
    expect(a.usedBytes).toBe(64 + 128 + 64);
  });

  it('reuses and coalesces freed blocks, tracks the peak, resets', () => {
    const a = new Arena(mem(), 0, 64 * 65536);
    const p = a.alloc(64), q = a.alloc(64), r = a.alloc(64);
    a.alloc(64);
    a.free(p); a.free(q);
    expect(a.alloc(128)).toBe(p); // p and q merged
    a.free(r);
    expect(a.peakBytes).toBe(256);
    a.reset();
    expect(a.usedBytes).toBe(0);
    expect(a.liveBlocks).toBe(0);
    expect(a.alloc(64)).toBe(p);
  });

  it('grows the memory on demand and refuses past its limit', () => {
    const m = mem();
    const a = new Arena(m, 0, 8 * 65536);
    const p = a.alloc(5 * 65536);
    expect(m.buffer.byteLength).toBeGreaterThanOrEqual(p + 5 * 65536);
    try { a.alloc(4 * 65536); } catch (e) { expect(isBwvmError(e, 'bwdnn.out-of-memory')).toBe(true); return; }
    throw new Error('expected out-of-memory');
  });

  it('rejects freeing a pointer it did not hand out', () => {
    const a = new Arena(mem(), 0, 65536);
    expect(() => a.free(12345)).toThrow(/did not hand out/);
  });
});
