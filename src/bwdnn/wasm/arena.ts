// Allocator over the kernels' shared WebAssembly memory: first-fit free list with
// coalescing, 64-byte alignment, growth on demand, reset, and used/peak byte counters.
import { BwvmError } from '../../util/errors.js';

const ALIGN = 64;
const PAGE = 65536;
/** Bytes kept addressable past the highest block: SIMD kernels may read a vector beyond an array's end. */
const SLACK = 256;

interface Block { ptr: number; size: number }

export class Arena {
  readonly base: number;
  private brk: number;
  private holes: Block[] = [];
  private live = new Map<number, number>();
  private used = 0;
  private peak = 0;

  constructor(readonly memory: WebAssembly.Memory, heapBase: number, private readonly maxBytes: number) {
    this.base = Math.ceil(Math.max(heapBase, 1024) / ALIGN) * ALIGN;
    this.brk = this.base;
  }

  /** Byte offset of a new block of at least `bytes` bytes, aligned to 64. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let ptr = -1;
    for (let i = 0; i < this.holes.length; i++) {
      const b = this.holes[i];
      if (b.size < size) continue;
      ptr = b.ptr;
      if (b.size === size) this.holes.splice(i, 1);
      else { b.ptr += size; b.size -= size; }
      break;
    }
    if (ptr < 0) {
      ptr = this.brk;
      this.ensure(ptr + size + SLACK);
      this.brk = ptr + size;
    }
    this.live.set(ptr, size);
    this.used += size;
    this.peak = Math.max(this.peak, this.used);
    return ptr;
  }

  /** Returns a block to the free list (merging neighbours); freeing an unknown pointer is an error. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new BwvmError('bwdnn.arena-free', `free of a pointer the arena did not hand out: ${ptr}`);
    this.live.delete(ptr);
    this.used -= size;
    let i = 0;
    while (i < this.holes.length && this.holes[i].ptr < ptr) i++;
    this.holes.splice(i, 0, { ptr, size });
    const next = this.holes[i + 1];
    if (next && ptr + size === next.ptr) { this.holes[i].size += next.size; this.holes.splice(i + 1, 1); }
    const prev = this.holes[i - 1];
    if (prev && prev.ptr + prev.size === ptr) { prev.size += this.holes[i].size; this.holes.splice(i, 1); i--; }
    const last = this.holes[this.holes.length - 1];
    if (last && last.ptr + last.size === this.brk) { this.brk = last.ptr; this.holes.pop(); }
  }

  /** Frees everything (the memory keeps its size). */
  reset(): void {
    this.holes = [];
    this.live.clear();
    this.used = 0;
    this.brk = this.base;
  }

  get usedBytes(): number { return this.used; }
  get peakBytes(): number { return this.peak; }
  get liveBlocks(): number { return this.live.size; }
  resetPeak(): void { this.peak = this.used; }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > this.maxBytes) {
      throw new BwvmError('bwdnn.out-of-memory', `bwDNN arena needs ${end} bytes, more than its ${this.maxBytes}-byte limit.`, {
        hint: 'use a smaller batch, or create the runtime with a larger maxMB',
      });
    }
    this.memory.grow(Math.ceil((end - have) / PAGE));
  }
}
