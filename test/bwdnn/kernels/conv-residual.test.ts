// The GEMM convolution's residual epilogue (conv2dPtr { residual }): y = act(conv(x) + b + r)
// on full and partial register tiles, strides and 1x1 shortcuts, against the naive loops, on
// plain and relaxed builds with 1 and 2 threads; other algorithms refuse a residual.
import { describe, it, expect } from 'vitest';
import { conv2dPtr, convOutputShape, type ConvGeometry } from '../../../src/bwdnn/kernels/conv.js';
import { naiveConv, rand, relErr, act as actOf } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();
const cases: ConvGeometry[] = [
  { N: 2, C: 16, H: 8, W: 8, Cout: 16, kh: 3, kw: 3, pads: [1, 1, 1, 1] }, // whole tiles
  { N: 3, C: 6, H: 7, W: 5, Cout: 10, kh: 3, kw: 3, pads: [1, 1, 1, 1] }, // partial rows and columns
  { N: 2, C: 8, H: 9, W: 9, Cout: 12, kh: 1, kw: 1, stride: [2, 2] }, // 1x1 stride-2 shortcut shape
];

describe.each(variants)('conv residual epilogue on $name', ({ rt }) => {
  it.each(cases.map((g) => [JSON.stringify(g), g] as const))('%s', (_, g) => {
    const n = convOutputShape(g).reduce((a, b) => a * b, 1);
    const x = rand(g.N * g.C * g.H * g.W, 1), w = rand(g.Cout * g.C * g.kh * g.kw, 2), b = rand(g.Cout, 3), r = rand(n, 4);
    const want = naiveConv(x, w, b, g).data.map((v, i) => actOf(v + r[i]!, 'relu'));
    const [px, pw, pb, pr, py] = [rt.upload(x), rt.upload(w), rt.upload(b), rt.upload(r), rt.arena.alloc(n * 4)];
    try {
      expect(conv2dPtr(rt, g, px, pw, pb, py, { act: 'relu', residual: pr })).toBe('gemm');
      const got = rt.download(py, n);
      expect(relErr(got, want)).toBeLessThanOrEqual(1e-5);
      expect(got.some((v) => v === 0)).toBe(true);
      // the residual state does not leak into the next call
      conv2dPtr(rt, g, px, pw, pb, py);
      expect(relErr(rt.download(py, n), naiveConv(x, w, b, g).data)).toBeLessThanOrEqual(1e-5);
    } finally {
      for (const p of [px, pw, pb, pr, py]) rt.arena.free(p);
    }
  });

  it('the direct and depthwise algorithms refuse a residual', () => {
    const g: ConvGeometry = { N: 1, C: 2, H: 6, W: 6, Cout: 2, kh: 3, kw: 3, pads: [1, 1, 1, 1], groups: 2 };
    const p = rt.arena.alloc(1024);
    try {
      expect(() => conv2dPtr(rt, g, p, p, 0, p + 512, { residual: p })).toThrow(/residual/);
    } finally { rt.arena.free(p); }
  });
});
