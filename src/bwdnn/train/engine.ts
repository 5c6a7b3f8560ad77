// Training engines: 'reference' (the JavaScript kernels and gradients, the oracle) and 'fast'
// (the WebAssembly kernels in the forward tape, batch-norm's training forward and the
// Conv/Gemm/MatMul/BatchNormalization/Relu gradients, gradient accumulation, reference rows for the rest). Fast engines share one cached runtime per thread count.
import type { Kernel } from '../reference/kernel.js';
import { KERNELS } from '../reference/kernels/index.js';
import { createRuntime, type DnnRuntime } from '../kernels/runtime.js';
import { fastKernels } from '../kernels/ops.js';
import { binaryPtr } from '../kernels/eltwise.js';
import type { GradRow } from './grad.js';
import { GRADS } from './grads/index.js';
import { fastGrads } from './grads/fast.js';
import { fastBnForward } from './grads/fast-norm.js';
import type { bnForward } from './grads/norm.js';
import { BwvmError } from '../../util/errors.js';

export type EngineName = 'fast' | 'reference';

export interface TrainEngine {
  readonly name: EngineName;
  /** Forward kernels (op -> kernel) of the tape. */
  readonly kernels: ReadonlyMap<string, Kernel>;
  /** Gradient rows (op -> row) of backward. */
  readonly grads: ReadonlyMap<string, GradRow>;
  /** The WebAssembly runtime of a fast engine. */
  readonly runtime?: DnnRuntime;
  /** Batch-norm's training-mode forward (batch statistics); default: the reference bnForward. */
  readonly bnForward?: typeof bnForward;
  /** The tape runs a training-mode BatchNormalization and the Relu that alone reads it as one
   * bnForward (relu: true). The reference engine does not, so it stays the unfused oracle. */
  readonly fuseBnRelu?: boolean;
  /** into += from (gradients of a value read by several nodes, e.g. a residual fork); default: a JavaScript loop. */
  readonly accumulate?: (into: Float32Array, from: Float32Array) => void;
}

export interface EngineOptions {
  /** Default 'fast'. */
  engine?: EngineName | TrainEngine;
  /** Threads of the fast engine's shared runtime: 1 or 2 (default 2, or BWVM_THREADS). */
  threads?: number;
  /** Run the fast engine on this runtime instead of a shared one. */
  runtime?: DnnRuntime;
}

export const REFERENCE_ENGINE: TrainEngine = { name: 'reference', kernels: KERNELS, grads: GRADS };

const engines = new WeakMap<DnnRuntime, TrainEngine>();
const shared = new Map<number, DnnRuntime>();

/** The fast engine on `rt` (one per runtime). */
export function fastEngine(rt: DnnRuntime): TrainEngine {
  let e = engines.get(rt);
  if (!e) {
    const accumulate = (into: Float32Array, from: Float32Array) =>
      rt.scope((sc) => binaryPtr(rt, 'add', sc.input(into), sc.input(from), sc.output(into), into.length));
    engines.set(rt, (e = { name: 'fast', kernels: fastKernels(rt), grads: fastGrads(rt), runtime: rt, bnForward: fastBnForward(rt), fuseBnRelu: true, accumulate }));
  }
  return e;
}

/** The fast engine's default thread count: 2, or BWVM_THREADS (1 or 2) when set, e.g. 1 to run two
 * jobs side by side on a 2-core machine. Results do not depend on it (the kernels split work, not
 * reductions). */
export function defaultThreads(env: Record<string, string | undefined> = process.env): number {
  const v = env.BWVM_THREADS;
  if (v === undefined || v.trim() === '') return 2;
  const n = Number(v);
  if (n !== 1 && n !== 2) throw new BwvmError('bwdnn.threads', `BWVM_THREADS must be 1 or 2, got '${v}'`, { hint: 'unset BWVM_THREADS (2 threads) or set it to 1' });
  return n;
}

/** A process-wide runtime with `threads` threads (its workers are unref'd: they do not keep Node alive). */
export function sharedRuntime(threads = defaultThreads()): DnnRuntime {
  let rt = shared.get(threads);
  if (!rt) shared.set(threads, (rt = createRuntime({ threads })));
  return rt;
}

export function trainEngine(o: EngineOptions = {}): TrainEngine {
  const e = o.engine ?? 'fast';
  if (typeof e !== 'string') return e;
  if (e === 'reference') return REFERENCE_ENGINE;
  return fastEngine(o.runtime ?? sharedRuntime(o.threads ?? defaultThreads()));
}
