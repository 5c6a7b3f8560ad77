// Shared helpers of the dsplib benches (moved out of bench/dsplib.ts so bench/dsplib-onednn.ts can
// import them without running that bench): deterministic inputs, max relative error, and the
// reference Conv (-> Add) (-> Relu) through the bwdnn reference executor (the numerical oracle).
import { run } from '../src/bwdnn/reference/index.js';
import type { Conv2dOptions, Conv2dShape } from '../src/dsplib/index.js';
import { createGraph, inferShapes, type Tensor } from '../src/ir/index.js';

export function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; });
}

export function maxRelErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

/** Reference Conv (-> Add) (-> Relu) through the bwdnn reference executor. */
export function reference(sh: Conv2dShape, o: Conv2dOptions, feeds: Record<string, Tensor>): Float32Array {
  const nodes = [{ name: 'conv', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad] } }];
  let last = 'c';
  if (o.addend) { nodes.push({ name: 'add', op: 'Add', inputs: [last, 'addend'], outputs: ['s'], attrs: {} as never }); last = 's'; }
  if (o.activation === 'relu') { nodes.push({ name: 'relu', op: 'Relu', inputs: [last], outputs: ['r'], attrs: {} as never }); last = 'r'; }
  const g = createGraph({
    inputs: Object.entries(feeds).map(([name, t]) => ({ name, dtype: 'float32' as const, shape: t.shape })),
    outputs: [{ name: last, dtype: 'float32', shape: [] }], nodes,
  });
  inferShapes(g);
  return run(g, feeds)[last]!.data as Float32Array;
}
