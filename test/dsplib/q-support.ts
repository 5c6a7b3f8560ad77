// Shared helpers of the integer helper-kernel tests (q-eltwise, q-pool, q-pack): seeded integers,
// running one generated kernel alone on the simulator with int32 words in and out, and the
// bwDNN integer reference kernels called with hand-made quantization params.
import { QKERNELS } from '../../src/bwdnn/quant/index.js';
import type { QNode } from '../../src/ir/quant-model.js';
import type { DspKernel } from '../../src/dsplib/index.js';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

export const T = getTarget('bwdsp104x');

export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** n seeded integers in [lo, hi]. */
export function ints(n: number, lo: number, hi: number, seed: number): Int32Array {
  const r = lcg(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

/** Run kernel k with int32 words per input symbol; returns output y and cycles. */
export function runKernel(k: DspKernel, inputs: Record<string, Int32Array>): { y: Int32Array; cycles: number } {
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  for (const [s, w] of Object.entries(inputs)) sim.writeWords(s, w);
  const res = sim.runSync({ mode: 'fast' });
  return { y: sim.readWords('y', k.outputs[0]!.shape.reduce((a, b) => a * b, 1)), cycles: res.cycles };
}

const qv = (bits: 8 | 16, scale: number, zp: number) => ({ dtype: bits === 8 ? 'int8' as const : 'int16' as const, quant: { scale: [scale], zeroPoint: [zp] } });

/** Call a bwDNN integer reference kernel: inputs (shape, data, scale, zp), output (scale, zp). */
export function refKernel(op: string, bits: 8 | 16, x: Array<{ shape: number[]; data: Int32Array; scale: number; zp: number }>, out: { scale: number; zp: number }, node: Partial<QNode> = {}): Int32Array {
  const k = QKERNELS.get(op)!;
  return k(x.map((v) => ({ shape: v.shape, data: v.data })), {
    node: { name: op, op, inputs: x.map((_, i) => `x${i}`), output: 'y', attrs: {}, from: [], ...node },
    inputs: x.map((v) => qv(bits, v.scale, v.zp)), output: qv(bits, out.scale, out.zp),
  }).data;
}

export const diffs = (a: Int32Array, b: Int32Array): number[] => {
  const out: number[] = [];
  if (a.length !== b.length) return [-1];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
};
