// Depthwise convolution (assembly/depthwise.ts): the 3x3 stride-1 fast path (tiles of 8 rows x
// 4 columns) on shapes that exercise every partial-tile edge, channel multipliers, pads and
// activations, plus the general stride-1 (incl. dilated) and strided paths and a sweep of odd
// sizes, stride 2 and pads 0/1 over several images, against the reference executor's
// Conv kernel, on plain and relaxed builds with 1 and 2 threads.
import { describe, it, expect } from 'vitest';
import { conv2d, type ConvGeometry } from '../../../src/bwdnn/kernels/conv.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { naiveConv, rand, relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();
const dw = (N: number, C: number, H: number, W: number, o: Partial<ConvGeometry> = {}): ConvGeometry =>
  ({ N, C, H, W, Cout: C, kh: 3, kw: 3, groups: C, pads: [1, 1, 1, 1], ...o });

const cases: ConvGeometry[] = [
  dw(2, 4, 16, 16), // whole tiles
  dw(1, 3, 13, 11), // partial row tile and partial column vector
  dw(2, 5, 1, 1), // one pixel
  dw(1, 2, 9, 6, { pads: [0, 0, 0, 0] }), // valid: 7x4 output
  dw(1, 3, 10, 7, { pads: [0, 1, 2, 1] }), // asymmetric pads
  dw(1, 3, 8, 9, { Cout: 6 }), // channel multiplier 2
  dw(1, 2, 30, 35), // several tiles both ways with ragged edges
  dw(1, 4, 12, 12, { kh: 5, kw: 5, pads: [2, 2, 2, 2] }), // general stride-1 path
  dw(1, 4, 12, 11, { stride: [2, 2] }), // strided path
  // sweep: several images and planes through one padded buffer (its zero border written once)
  dw(3, 5, 7, 5, { pads: [0, 0, 0, 0] }), // odd, valid
  dw(2, 3, 17, 33), // odd sizes, ragged tiles both ways
  dw(2, 6, 9, 9, { stride: [2, 2], pads: [0, 0, 0, 0] }), // stride 2, pad 0
  dw(2, 6, 10, 9, { stride: [2, 2], pads: [1, 1, 1, 1] }), // stride 2, pad 1
  dw(2, 3, 11, 12, { Cout: 6, pads: [0, 0, 0, 0] }), // multiplier 2, pad 0
  dw(2, 4, 13, 10, { dilation: [2, 2], pads: [2, 2, 2, 2] }), // dilated stride-1 path
];

/** The reference executor running one Conv node: the oracle. */
function reference(x: Float32Array, w: Float32Array, b: Float32Array, g: ConvGeometry): Float32Array {
  const gr = createGraph({ name: 'dw', opset: 13, inputs: [{ name: 'x', dtype: 'float32', shape: [g.N, g.C, g.H, g.W] }] });
  gr.initializers.set('w', { name: 'w', dtype: 'float32', shape: [g.Cout, 1, g.kh, g.kw], data: w });
  gr.initializers.set('b', { name: 'b', dtype: 'float32', shape: [g.Cout], data: b });
  gr.nodes.push({ name: 'c', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { kernel_shape: [g.kh, g.kw], group: g.groups!, pads: g.pads!, strides: g.stride ?? [1, 1], dilations: g.dilation ?? [1, 1] } });
  gr.outputs = [{ name: 'y', dtype: 'float32', shape: [] }];
  inferShapes(gr);
  return run(gr, { x: { dtype: 'float32', shape: [g.N, g.C, g.H, g.W], data: x } }).y!.data as Float32Array;
}

const label = (g: ConvGeometry) => `N${g.N} C${g.C}->${g.Cout} ${g.H}x${g.W} k${g.kh} s${g.stride ?? 1} p${g.pads}`;

describe.each(variants)('depthwise on $name', ({ rt }) => {
  it.each(cases.map((g) => [label(g), g] as const))('%s equals the reference executor', (_, g) => {
    const x = rand(g.N * g.C * g.H * g.W, 1), w = rand(g.Cout * g.kh * g.kw, 2), b = rand(g.Cout, 3);
    const got = conv2d(rt, x, w, b, g, { algo: 'depthwise' });
    expect(relErr(got.data, reference(x, w, b, g))).toBeLessThanOrEqual(1e-5);
  });

  it.each(['relu', 'relu6'] as const)('fuses %s on the 3x3 path', (act) => {
    const g = dw(2, 3, 11, 13);
    const x = rand(g.N * g.C * g.H * g.W, 4).map((v) => v * 8), w = rand(g.Cout * 9, 5), b = rand(g.Cout, 6);
    const got = conv2d(rt, x, w, b, g, { algo: 'depthwise', act });
    expect(relErr(got.data, naiveConv(x, w, b, g, act).data)).toBeLessThanOrEqual(1e-5);
    expect(got.data.some((v) => v === 0)).toBe(true);
  });
});
