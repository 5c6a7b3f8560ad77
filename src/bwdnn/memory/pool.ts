// Activation buffer pool for executors: hands out zeroed typed arrays, takes them back after a
// value's last use and reuses same-size buffers; tracks live and peak bytes.
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

export class BufferPool {
  private free = new Map<string, TypedData[]>();
  private live = new Set<TypedData>();
  readonly stats: PoolStats = { peakBytes: 0, liveBytes: 0, allocations: 0, reuses: 0 };

  private key(dt: DType, n: number): string { return `${dt}:${n}`; }

  /** A zero-filled buffer of `n` elements. */
  alloc(dt: DType, n: number): TypedData {
    const list = this.free.get(this.key(dt, n));
    let buf = list?.pop();
    if (buf) {
      this.stats.reuses++;
      if (buf instanceof BigInt64Array) buf.fill(0n);
      else (buf as Float32Array).fill(0);
    } else {
      buf = allocData(dt, n);
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
}
