// A bwDNN kernel runtime: the compiled kernel module (plain or relaxed SIMD), its shared
// memory with an arena, and a thread pool of 1 or 2 threads. Data moves in and out of the
// memory as Float32Arrays, or lives there (resident arrays: the training tape's buffers), and
// kernels take arena pointers.
import { BwvmError } from '../../util/errors.js';
import { Arena } from '../wasm/arena.js';
import { loadKernels, type RelaxedChoice, type SimdVariant } from '../wasm/loader.js';
import type { KernelExports, ParallelKernel } from '../wasm/exports.js';
import { ThreadPool } from '../threads/pool.js';

export interface RuntimeOptions {
  /** Threads including the caller: 1 or 2 (default 1). */
  threads?: number;
  relaxed?: RelaxedChoice;
  /** Memory limit in MiB (default 1024). */
  maxMB?: number;
  /** Microseconds a pool thread busy-waits before sleeping (default 50). */
  spinMicros?: number;
}

const PAGE = 65536;

export class DnnRuntime {
  readonly variant: SimdVariant;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly pool: ThreadPool;

  constructor(opts: RuntimeOptions = {}) {
    const threads = opts.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > 2) {
      throw new BwvmError('bwdnn.threads', `threads must be 1 or 2, got ${threads}`, { hint: 'pass threads: 1 or threads: 2' });
    }
    const maxBytes = (opts.maxMB ?? 1024) * 1024 * 1024;
    const loaded = loadKernels(opts.relaxed ?? 'auto');
    this.variant = loaded.variant;
    this.memory = new WebAssembly.Memory({ initial: 32, maximum: Math.ceil(maxBytes / PAGE), shared: true });
    const inst = new WebAssembly.Instance(loaded.module, { env: { memory: this.memory } });
    this.exports = inst.exports as unknown as KernelExports;
    this.arena = new Arena(this.memory, this.exports.heapBase(), maxBytes);
    this.pool = new ThreadPool(loaded.module, this.memory, threads - 1, { spinMicros: opts.spinMicros });
  }

  get threads(): number { return this.pool.threads; }

  /** A live Float32Array view of `len` floats at byte offset ptr (invalid after the memory grows). */
  f32(ptr: number, len: number): Float32Array { return new Float32Array(this.memory.buffer, ptr, len); }
  i32(ptr: number, len: number): Int32Array { return new Int32Array(this.memory.buffer, ptr, len); }

  /** Copies data into a fresh arena block and returns its pointer. */
  upload(data: ArrayLike<number>): number {
    const ptr = this.arena.alloc(data.length * 4);
    this.f32(ptr, data.length).set(data);
    return ptr;
  }

  /** Writes an i32 parameter block (floats given as {f: value} are stored as f32 bits). */
  params(values: (number | { f: number })[]): number {
    const ptr = this.arena.alloc(values.length * 4);
    const iv = this.i32(ptr, values.length);
    const fv = this.f32(ptr, values.length);
    values.forEach((v, i) => { if (typeof v === 'number') iv[i] = v; else fv[i] = v.f; });
    return ptr;
  }

  download(ptr: number, len: number): Float32Array { return this.f32(ptr, len).slice(); }

  private readonly residents = new WeakMap<Float32Array, number>();

  /**
   * A zeroed array of n floats living in the arena: kernels read and write it in place (no upload or
   * download). A plain array when the arena is full (the kernels then copy it as any other).
   */
  allocResident(n: number): Float32Array {
    let ptr: number;
    try { ptr = this.arena.alloc(Math.max(4, 4 * n)); } catch { return new Float32Array(n); }
    const a = this.f32(ptr, n);
    a.fill(0);
    this.residents.set(a, ptr);
    return a;
  }

  /** Returns a resident array's block to the arena (ignored for other arrays); the array must not be used again. */
  freeResident(a: Float32Array): void {
    const p = this.residents.get(a);
    if (p === undefined) return;
    this.residents.delete(a);
    this.arena.free(p);
  }

  /**
   * Runs fn with pointers to its data: inputs in place when resident, else uploaded; outputs written in
   * place when resident, else through a block copied into the array when fn returns; every block freed.
   */
  scope<T>(fn: (s: ArenaScope) => T): T {
    const blocks: number[] = [], back: Array<[number, Float32Array]> = [];
    const own = (p: number): number => { blocks.push(p); return p; };
    try {
      const r = fn({
        input: (d) => this.residents.get(d) ?? own(this.upload(d)),
        output: (o) => { const p = this.residents.get(o); if (p !== undefined) return p; const q = own(this.arena.alloc(Math.max(4, 4 * o.length))); back.push([q, o]); return q; },
      });
      for (const [p, o] of back) o.set(this.f32(p, o.length));
      return r;
    } finally {
      for (const p of blocks) this.arena.free(p);
    }
  }

  /** Runs one kernel split into per-thread argument lists (share 0 on the calling thread). */
  parallel(kernel: ParallelKernel, shares: (number[] | null)[]): void {
    this.pool.run(this.exports, kernel, shares);
  }

  /** Allocates per-thread workspaces of `bytes`, runs fn, frees them. */
  withWorkspaces<T>(bytes: number, fn: (ws: number[]) => T): T {
    const ws: number[] = [];
    try {
      for (let t = 0; t < this.threads; t++) ws.push(this.arena.alloc(bytes));
      return fn(ws);
    } finally {
      for (const p of ws) this.arena.free(p);
    }
  }

  close(): void { this.pool.close(); }
}

/** Pointers of one kernel call's data (DnnRuntime.scope). */
export interface ArenaScope {
  /** Pointer of data a kernel reads. */
  input(data: Float32Array): number;
  /** Pointer a kernel writes `out` through (the array holds the result once the scope's function returns). */
  output(out: Float32Array): number;
}

export function createRuntime(opts: RuntimeOptions = {}): DnnRuntime {
  return new DnnRuntime(opts);
}

/** Splits [0, n) into `parts` contiguous ranges whose bounds are multiples of `unit` (the last takes the rest). */
export function splitRange(n: number, parts: number, unit = 1): [number, number][] {
  const out: [number, number][] = [];
  const units = Math.ceil(n / unit);
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const endUnits = Math.round((units * (p + 1)) / parts);
    const end = Math.min(n, endUnits * unit);
    out.push([start, end]);
    start = end;
  }
  return out;
}
