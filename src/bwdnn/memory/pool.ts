// Activation buffer pool for executors: hands out zeroed typed arrays (or, for outputs a kernel
// writes in full, reused ones as they are), takes them back after a value's last use and reuses
// same-size buffers; tracks live and peak bytes. Float32 buffers may come from another allocator
// (the kernels' arena: resident arrays), returned by dispose().
import type { DType, TypedData } from '../../ir/types.js';
import { allocData, dtypeBytes } from '../../ir/dtype.js';

export interface PoolStats {
  /** Largest number of bytes held by live buffers at any moment. */
  peakBytes: number;
  liveBytes: number;
  /** Fresh allocations vs. buffers handed out again from the free lists. */
  allocations: number;
  reuses: number;
}

export interface PoolAllocator {
  /** A zeroed float32 buffer of n elements. */
  f32(n: number): Float32Array;
  /** Gives one back for good (dispose). */
  freeF32(a: Float32Array): void;
}

export interface PoolOptions {
  /** Debugging: fill reused buffers handed out by allocUninit with NaN, so a kernel that does not
   * write all of its output shows up as NaN instead of silently reading a previous value. */
  poison?: boolean;
}

export class BufferPool {
  constructor(private readonly allocator?: PoolAllocator, private readonly options: PoolOptions = {}) {}
  private free = new Map<string, TypedData[]>();
  private live = new Set<TypedData>();
  readonly stats: PoolStats = { peakBytes: 0, liveBytes: 0, allocations: 0, reuses: 0 };

  private key(dt: DType, n: number): string { return `${dt}:${n}`; }

  /** A zero-filled buffer of `n` elements. */
  alloc(dt: DType, n: number): TypedData {
    return this.take(dt, n, true);
  }

  /** A buffer of `n` elements whose contents are unspecified (a reused one is not cleared): for
   * outputs the caller writes in full. Saves a single-threaded fill per op in the training step. */
  allocUninit(dt: DType, n: number): TypedData {
    return this.take(dt, n, false);
  }

  private take(dt: DType, n: number, zero: boolean): TypedData {
    const list = this.free.get(this.key(dt, n));
    let buf = list?.pop();
    if (buf) {
      this.stats.reuses++;
      if (zero) { if (buf instanceof BigInt64Array) buf.fill(0n); else (buf as Float32Array).fill(0); }
      else if (this.options.poison && buf instanceof Float32Array) buf.fill(NaN);
    } else {
      buf = dt === 'float32' && this.allocator ? this.allocator.f32(n) : allocData(dt, n);
      this.stats.allocations++;
    }
    this.live.add(buf);
    this.stats.liveBytes += n * dtypeBytes(dt);
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.stats.liveBytes);
    return buf;
  }

  /** Give a buffer back (ignored for buffers this pool did not hand out). */
  release(dt: DType, buf: TypedData): void {
    if (!this.live.delete(buf)) return;
    this.stats.liveBytes -= buf.length * dtypeBytes(dt);
    const k = this.key(dt, buf.length);
    const list = this.free.get(k);
    if (list) list.push(buf); else this.free.set(k, [buf]);
  }

  owns(buf: TypedData): boolean { return this.live.has(buf); }

  /** Returns every float32 buffer (live or free) to the allocator; the pool and its buffers must not be used again. */
  dispose(): void {
    if (!this.allocator) return;
    for (const b of [...this.live, ...[...this.free.values()].flat()]) if (b instanceof Float32Array) this.allocator.freeF32(b);
    this.live.clear(); this.free.clear();
  }
}
