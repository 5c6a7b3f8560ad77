// Fork-join pool of worker_threads sharing the kernels' WebAssembly memory. The calling
// thread runs share 0 itself; workers spin briefly before Atomics.wait so a dispatch costs
// microseconds, not the ~80 us of a wake-up. Workers are unref'd; close() stops them.
import { Worker } from 'node:worker_threads';
import { BwvmError } from '../../util/errors.js';
import { PARALLEL_KERNELS, type KernelExports, type ParallelKernel } from '../wasm/exports.js';
import { MAX_ARGS, SLOT, WORKER_SOURCE } from './worker-source.js';

export interface PoolOptions {
  /**
   * Microseconds a thread busy-waits before sleeping in Atomics.wait (workers after a task,
   * the caller while joining). Spinning makes a dispatch ~1 us instead of a ~50-80 us
   * wake-up, but on an oversubscribed machine a spinning thread loses its time slice. Default 50.
   */
  spinMicros?: number;
}

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly seq: number[] = [];
  private readonly spinMs: number;
  private closed = false;
  private readonly gone = new Set<Worker>();

  /** `extra` workers besides the calling thread (0 = everything runs on the caller). */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, readonly extra: number, opts: PoolOptions = {}) {
    this.spinMs = (opts.spinMicros ?? 50) / 1000;
    const ctlBuf = new SharedArrayBuffer(Math.max(1, extra) * SLOT.words * 4);
    const argBuf = new SharedArrayBuffer(Math.max(1, extra) * MAX_ARGS * 8);
    this.ctl = new Int32Array(ctlBuf);
    this.args = new Float64Array(argBuf);
    for (let i = 0; i < extra; i++) {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctlBuf, argBuf, index: i, names: [...PARALLEL_KERNELS], spinMicros: this.spinMs * 1000 },
      });
      w.unref();
      w.once('exit', () => this.gone.add(w));
      this.workers.push(w);
      this.seq.push(0);
    }
    for (let i = 0; i < extra; i++) {
      const r = Atomics.wait(this.ctl, i * SLOT.words + SLOT.ready, 0, 30000);
      if (r === 'timed-out') {
        this.close();
        throw new BwvmError('bwdnn.thread-start', 'A bwDNN worker thread did not start within 30 s.', { hint: 'use threads: 1' });
      }
    }
  }

  get threads(): number { return this.extra + 1; }

  /**
   * Runs `kernel` with shares[t] on thread t (share 0 on the caller); a null share is skipped.
   * Returns when every share is done.
   */
  run(ex: KernelExports, kernel: ParallelKernel, shares: (number[] | null)[]): void {
    if (this.closed) throw new BwvmError('bwdnn.pool-closed', 'The bwDNN thread pool was closed.', { hint: 'create a new runtime' });
    const fn = PARALLEL_KERNELS.indexOf(kernel);
    const posted: number[] = [];
    for (let t = 1; t < shares.length; t++) {
      const s = shares[t];
      if (!s) continue;
      const w = t - 1;
      if (w >= this.extra) throw new BwvmError('bwdnn.pool-size', `share ${t} given to a pool of ${this.threads} threads`);
      if (s.length > MAX_ARGS) throw new BwvmError('bwdnn.pool-args', `too many kernel arguments (${s.length})`);
      const base = w * SLOT.words;
      this.args.set(s, w * MAX_ARGS);
      this.ctl[base + SLOT.fn] = fn;
      this.ctl[base + SLOT.nargs] = s.length;
      this.seq[w]++;
      Atomics.store(this.ctl, base + SLOT.seq, this.seq[w]);
      Atomics.notify(this.ctl, base + SLOT.seq);
      posted.push(w);
    }
    let err: unknown;
    try {
      const s0 = shares[0];
      if (s0) (ex[kernel] as (...a: number[]) => void)(...s0);
    } catch (e) { err = e; }
    let failed = false;
    for (const w of posted) {
      const base = w * SLOT.words;
      const end = performance.now() + this.spinMs;
      let n = 0;
      for (;;) {
        const d = Atomics.load(this.ctl, base + SLOT.done);
        if (d === this.seq[w]) break;
        if ((++n & 63) === 0 && performance.now() > end) Atomics.wait(this.ctl, base + SLOT.done, d, 1000);
      }
      if (this.ctl[base + SLOT.error]) failed = true;
    }
    if (err) throw err;
    if (failed) throw new BwvmError('bwdnn.worker-trap', `bwDNN kernel ${kernel} trapped in a worker thread.`, { hint: 'check shapes and buffer sizes' });
  }

  /** Resolves when every worker thread has exited (after close()). */
  exited(): Promise<void> {
    return Promise.all(this.workers.map((w) => new Promise<void>((res) => {
      if (this.gone.has(w)) res(); else w.once('exit', () => res());
    }))).then(() => undefined);
  }

  /** Stops the workers; the pool cannot be used afterwards. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * SLOT.words;
      this.ctl[base + SLOT.fn] = -1;
      Atomics.store(this.ctl, base + SLOT.seq, ++this.seq[w]);
      Atomics.notify(this.ctl, base + SLOT.seq);
      void this.workers[w].terminate();
    }
  }
}
