// Conv backward kernels (input gradient as a transposed forward conv, weight gradient as a
// gather-GEMM) against the JavaScript reference gradient (itself finite-difference tested) on a
// sweep of odd sizes, strides, pads, dilations and groups incl. depthwise, 1 and 2 threads.
import { describe, it, expect } from 'vitest';
import { convInputGradPtr, convWeightGradPtr, convBiasGrad, convInputGradSupported } from '../../../src/bwdnn/kernels/convgrad.js';
import { convOutputShape, type ConvGeometry } from '../../../src/bwdnn/kernels/conv.js';
import { GRADS } from '../../../src/bwdnn/train/grads/index.js';
import { gradContext } from '../../../src/bwdnn/train/grad.js';
import type { Node } from '../../../src/ir/types.js';
import { rand, relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();

export const GRAD_CASES: ConvGeometry[] = [
  { N: 2, C: 3, H: 9, W: 11, Cout: 5, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
  { N: 3, C: 7, H: 13, W: 10, Cout: 6, kh: 3, kw: 2, stride: [2, 1], pads: [1, 0, 1, 1] },
  { N: 2, C: 8, H: 12, W: 12, Cout: 12, kh: 3, kw: 3, dilation: [2, 2], pads: [2, 2, 2, 2] },
  { N: 2, C: 6, H: 10, W: 9, Cout: 9, kh: 3, kw: 3, groups: 3, pads: [1, 1, 1, 1] },
  { N: 1, C: 16, H: 15, W: 15, Cout: 20, kh: 1, kw: 1, stride: [2, 2] },
  { N: 2, C: 5, H: 17, W: 19, Cout: 7, kh: 5, kw: 5, stride: [3, 2], pads: [2, 1, 2, 3], dilation: [1, 2] },
  { N: 2, C: 12, H: 11, W: 13, Cout: 12, kh: 3, kw: 3, groups: 12, pads: [1, 1, 1, 1] },
  { N: 1, C: 10, H: 9, W: 21, Cout: 20, kh: 3, kw: 3, groups: 10, stride: [2, 2], pads: [1, 1, 1, 1] },
  { N: 5, C: 2, H: 6, W: 5, Cout: 3, kh: 2, kw: 2, pads: [0, 1, 1, 0] },
  { N: 4, C: 1, H: 28, W: 28, Cout: 6, kh: 5, kw: 5, pads: [2, 2, 2, 2] },
  { N: 3, C: 32, H: 16, W: 16, Cout: 64, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1] },
];

/** The reference gradient of a Conv node with this geometry. */
export function referenceConvGrad(g: ConvGeometry, x: Float32Array, w: Float32Array, dy: Float32Array, bias: boolean) {
  const Cg = g.C / (g.groups ?? 1);
  const node: Node = {
    name: 'conv', op: 'Conv', inputs: ['x', 'w', ...(bias ? ['b'] : [])], outputs: ['y'],
    attrs: { kernel_shape: [g.kh, g.kw], strides: g.stride ?? [1, 1], dilations: g.dilation ?? [1, 1], group: g.groups ?? 1,
      pads: g.pads ? [g.pads[0], g.pads[1], g.pads[2], g.pads[3]] : [0, 0, 0, 0] },
  };
  const t = (shape: number[], data: Float32Array) => ({ dtype: 'float32' as const, shape, data });
  const ys = convOutputShape(g);
  const ctx = gradContext(node, 13, [t([g.N, g.C, g.H, g.W], x), t([g.Cout, Cg, g.kh, g.kw], w), ...(bias ? [t([g.Cout], new Float32Array(g.Cout))] : [])],
    [t(ys, new Float32Array(dy.length))], dy, [true, true, bias]);
  return GRADS.get('Conv')!.grad(ctx);
}

const label = (g: ConvGeometry) => `N${g.N} ${g.C}->${g.Cout} ${g.H}x${g.W} k${g.kh}x${g.kw} s${g.stride ?? '1'} p${g.pads ?? '0'} d${g.dilation ?? '1'} g${g.groups ?? 1}`;

describe.each(variants)('conv backward on $name', ({ rt }) => {
  it.each(GRAD_CASES.map((g) => [label(g), g] as const))('%s', (_, g) => {
    const Cg = g.C / (g.groups ?? 1);
    const ys = convOutputShape(g);
    const x = rand(g.N * g.C * g.H * g.W, 1), w = rand(g.Cout * Cg * g.kh * g.kw, 2), dy = rand(ys.reduce((a, b) => a * b, 1), 3);
    const [dxRef, dwRef, dbRef] = referenceConvGrad(g, x, w, dy, true);
    expect(convInputGradSupported(g)).toBe(true);
    const px = rt.upload(x), pw = rt.upload(w), pdy = rt.upload(dy), pdx = rt.arena.alloc(x.length * 4), pdw = rt.arena.alloc(w.length * 4);
    const before = rt.arena.liveBlocks;
    try {
      convInputGradPtr(rt, g, pdy, pw, pdx);
      convWeightGradPtr(rt, g, px, pdy, pdw);
      expect(rt.arena.liveBlocks).toBe(before);
      expect(relErr(rt.download(pdx, x.length), dxRef!)).toBeLessThan(1e-5);
      expect(relErr(rt.download(pdw, w.length), dwRef!)).toBeLessThan(1e-5);
      expect(relErr(convBiasGrad(dy, g.N, g.Cout), dbRef!)).toBeLessThan(1e-5);
    } finally {
      for (const p of [px, pw, pdy, pdx, pdw]) rt.arena.free(p);
    }
  });
});

describe('conv backward support', () => {
  it('refuses pads wider than the dilated kernel (caller falls back to the reference)', () => {
    expect(convInputGradSupported({ N: 1, C: 1, H: 5, W: 5, Cout: 1, kh: 1, kw: 1, pads: [1, 1, 1, 1] })).toBe(false);
    expect(convInputGradSupported({ N: 1, C: 1, H: 5, W: 5, Cout: 1, kh: 3, kw: 3, pads: [1, 1, 1, 1] })).toBe(true);
  });
});
