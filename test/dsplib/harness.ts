// Test support for dsplib: seeded random data, single-op reference graphs (the bwdnn reference
// executor is the oracle), running a generated kernel on the simulator and comparing outputs.
import { createGraph, inferShapes, type Attrs, type Tensor } from '../../src/ir/index.js';
import { run } from '../../src/bwdnn/reference/index.js';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import type { TargetDesc } from '../../src/target/index.js';
import { type DspKernel, layoutData } from '../../src/dsplib/index.js';

export function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
}

const tensor = (shape: number[], data: Float32Array): Tensor => ({ dtype: 'float32', shape, data });

/** Run one op through the reference executor. */
export function reference(op: string, ins: Array<{ shape: number[]; data: Float32Array }>, attrs: Attrs): Float32Array {
  const names = ins.map((_, i) => `in${i}`);
  const g = createGraph({
    inputs: ins.map((t, i) => ({ name: names[i]!, dtype: 'float32', shape: t.shape })),
    outputs: [{ name: 'out', dtype: 'float32', shape: [] }],
    nodes: [{ name: 'n0', op, inputs: names, outputs: ['out'], attrs }],
  });
  inferShapes(g);
  const feeds: Record<string, Tensor> = {};
  ins.forEach((t, i) => { feeds[names[i]!] = tensor(t.shape, t.data); });
  return run(g, feeds)['out']!.data as Float32Array;
}

/** Assemble and run a kernel with the given input arrays (by symbol); returns outputs and the profile. */
export function simulate(k: DspKernel, t: TargetDesc, feeds: Record<string, Float32Array>) {
  const sim = new Simulator(assemble(k.asm, { limits: t }), t);
  for (const [name, data] of Object.entries(feeds)) {
    const spec = k.inputs.find((i) => i.symbol === name);
    sim.setInput(name, spec ? layoutData(spec, data) : data);
  }
  const res = sim.runSync({ mode: 'fast' });
  const outs: Record<string, Float32Array> = {};
  for (const o of k.outputs) outs[o.symbol] = sim.readOutput(o.symbol, o.shape.reduce((a, b) => a * b, 1));
  return { outs, res };
}

/** max |a-b| / max |b| (0 when both are all zero). */
export function relError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  if (Number.isNaN(d)) return Infinity;
  return m === 0 ? d : d / m;
}
