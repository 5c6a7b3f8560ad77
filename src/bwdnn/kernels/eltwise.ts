// Element-wise kernels on Float32Arrays or arena pointers: activation, add, mul (with a
// fused activation), batch-norm inference and per-channel affine (bias add), split across
// threads in large chunks.
import type { DnnRuntime } from './runtime.js';
import { splitRange } from './runtime.js';
import { activationCode, type ActivationSpec } from './activation.js';
import { BwvmError } from '../../util/errors.js';

/** Below this many elements an element-wise kernel runs on one thread. */
const PARALLEL_MIN_ELEMENTS = 1 << 18;

/** Threads an element-wise kernel over n elements uses (one below PARALLEL_MIN_ELEMENTS: the fork-join would not pay). */
export const elementThreads = (rt: DnnRuntime, n: number): number => (n >= PARALLEL_MIN_ELEMENTS ? rt.threads : 1);

function chunks(rt: DnnRuntime, n: number): [number, number][] {
  return splitRange(n, elementThreads(rt, n), 16);
}

export function activationPtr(rt: DnnRuntime, x: number, y: number, n: number, spec: ActivationSpec): void {
  const [act, alpha] = activationCode(spec);
  rt.parallel('activation', chunks(rt, n).map(([s, e]) => (e <= s ? null : [x + 4 * s, y + 4 * s, e - s, act, alpha])));
}

export function binaryPtr(rt: DnnRuntime, op: 'add' | 'mul', a: number, b: number, y: number, n: number, spec?: ActivationSpec): void {
  const [act, alpha] = activationCode(spec);
  rt.parallel(op, chunks(rt, n).map(([s, e]) => (e <= s ? null : [a + 4 * s, b + 4 * s, y + 4 * s, e - s, act, alpha])));
}

export interface BatchNormParams { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array; eps?: number }

/** Batch-norm inference over [N, C, HW] at pointers (parameters as arena pointers). */
export function batchNormPtr(rt: DnnRuntime, x: number, y: number, N: number, C: number, HW: number,
  p: { gamma: number; beta: number; mean: number; variance: number; eps: number }, spec?: ActivationSpec): void {
  const [act, alpha] = activationCode(spec);
  const T = elementThreads(rt, N * C * HW);
  rt.parallel('batchNorm', splitRange(N * C, T).map(([s, e]) => (e <= s ? null :
    [x, y, C, HW, p.gamma, p.beta, p.mean, p.variance, p.eps, act, alpha, s, e])));
}

/** y[n,c,:] = act(x[n,c,:] * scale[c] + shift[c]); scale/shift pointers may be 0 (1 and 0). */
export function channelAffinePtr(rt: DnnRuntime, x: number, y: number, N: number, C: number, HW: number,
  scale: number, shift: number, spec?: ActivationSpec): void {
  const [act, alpha] = activationCode(spec);
  const T = elementThreads(rt, N * C * HW);
  rt.parallel('channelAffine', splitRange(N * C, T).map(([s, e]) => (e <= s ? null : [x, y, C, HW, scale, shift, act, alpha, s, e])));
}

/** Runs fn on uploaded copies of the inputs and a fresh output of n floats; frees everything. */
function onArrays(rt: DnnRuntime, inputs: Float32Array[], n: number, fn: (ptrs: number[], y: number) => void): Float32Array {
  const ptrs = inputs.map((a) => rt.upload(a));
  const y = rt.arena.alloc(n * 4);
  try {
    fn(ptrs, y);
    return rt.download(y, n);
  } finally {
    for (const p of [...ptrs, y]) rt.arena.free(p);
  }
}

export function activation(rt: DnnRuntime, x: Float32Array, spec: ActivationSpec): Float32Array {
  return onArrays(rt, [x], x.length, ([px], y) => activationPtr(rt, px, y, x.length, spec));
}

export function binary(rt: DnnRuntime, op: 'add' | 'mul', a: Float32Array, b: Float32Array, spec?: ActivationSpec): Float32Array {
  if (a.length !== b.length) {
    throw new BwvmError('bwdnn.eltwise-shape', `${op}: operands have ${a.length} and ${b.length} elements`, { hint: 'broadcast before the element-wise kernel' });
  }
  return onArrays(rt, [a, b], a.length, ([pa, pb], y) => binaryPtr(rt, op, pa, pb, y, a.length, spec));
}

export function batchNorm(rt: DnnRuntime, x: Float32Array, N: number, C: number, HW: number, bn: BatchNormParams, spec?: ActivationSpec): Float32Array {
  return onArrays(rt, [x, bn.gamma, bn.beta, bn.mean, bn.variance], x.length, ([px, g, b, m, v], y) =>
    batchNormPtr(rt, px, y, N, C, HW, { gamma: g, beta: b, mean: m, variance: v, eps: bn.eps ?? 1e-5 }, spec));
}

export function channelAffine(rt: DnnRuntime, x: Float32Array, N: number, C: number, HW: number,
  scale: Float32Array | undefined, shift: Float32Array | undefined, spec?: ActivationSpec): Float32Array {
  const inputs = [x, ...(scale ? [scale] : []), ...(shift ? [shift] : [])];
  return onArrays(rt, inputs, x.length, (ptrs, y) =>
    channelAffinePtr(rt, ptrs[0], y, N, C, HW, scale ? ptrs[1] : 0, shift ? ptrs[scale ? 2 : 1] : 0, spec));
}
