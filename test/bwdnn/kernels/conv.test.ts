// Convolution kernels (im2col+GEMM, direct, depthwise) against the naive loop on a sweep of
// channel counts, strides, pads, dilations and groups, each algorithm forced where it
// applies, on plain and relaxed builds with 1 and 2 threads.
import { describe, it, expect } from 'vitest';
import { conv2d, chooseConvAlgo, type ConvAlgo, type ConvGeometry } from '../../../src/bwdnn/kernels/conv.js';
import { naiveConv, rand, relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();

const cases: ConvGeometry[] = [
  { N: 2, C: 3, H: 9, W: 11, Cout: 5, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
  { N: 1, C: 1, H: 28, W: 28, Cout: 32, kh: 3, kw: 3 },
  { N: 3, C: 7, H: 13, W: 10, Cout: 6, kh: 3, kw: 2, stride: [2, 1], pads: [1, 0, 2, 1] },
  { N: 2, C: 8, H: 12, W: 12, Cout: 12, kh: 3, kw: 3, dilation: [2, 2], pads: [2, 2, 2, 2] },
  { N: 2, C: 6, H: 10, W: 9, Cout: 9, kh: 3, kw: 3, groups: 3, pads: [1, 1, 1, 1] },
  { N: 1, C: 16, H: 15, W: 15, Cout: 20, kh: 1, kw: 1, stride: [2, 2] },
  { N: 2, C: 5, H: 17, W: 19, Cout: 7, kh: 5, kw: 5, stride: [3, 2], pads: [2, 1, 2, 3], dilation: [1, 2] },
  { N: 1, C: 4, H: 7, W: 7, Cout: 4, kh: 7, kw: 7 },
  { N: 2, C: 12, H: 11, W: 13, Cout: 12, kh: 3, kw: 3, groups: 12, pads: [1, 1, 1, 1] },
  { N: 1, C: 10, H: 9, W: 21, Cout: 20, kh: 3, kw: 3, groups: 10, stride: [2, 2], pads: [1, 1, 1, 1] },
  { N: 2, C: 6, H: 8, W: 33, Cout: 12, kh: 5, kw: 3, groups: 6, dilation: [2, 1], pads: [4, 1, 4, 1] },
  { N: 5, C: 2, H: 6, W: 5, Cout: 3, kh: 2, kw: 2, pads: [0, 1, 1, 0] },
];

function algosFor(g: ConvGeometry): ConvAlgo[] {
  const out: ConvAlgo[] = ['gemm'];
  const unit = (g.stride ?? [1, 1]).every((s) => s === 1);
  if (unit) out.push('direct');
  if ((g.groups ?? 1) === g.C && g.C > 1) out.push('depthwise');
  return out;
}

const label = (g: ConvGeometry) => `N${g.N} ${g.C}->${g.Cout} ${g.H}x${g.W} k${g.kh}x${g.kw} s${g.stride ?? '1'} p${g.pads ?? '0'} d${g.dilation ?? '1'} g${g.groups ?? 1}`;

describe.each(variants)('conv2d on $name', ({ rt }) => {
  it.each(cases.map((g) => [label(g), g] as const))('%s', (_, g) => {
    const Cg = g.C / (g.groups ?? 1);
    const x = rand(g.N * g.C * g.H * g.W, 1), w = rand(g.Cout * Cg * g.kh * g.kw, 2), b = rand(g.Cout, 3);
    const want = naiveConv(x, w, b, g, 'relu');
    for (const algo of algosFor(g)) {
      const got = conv2d(rt, x, w, b, g, { act: 'relu', algo });
      expect(got.shape).toEqual(want.shape);
      expect(relErr(got.data, want.data), algo).toBeLessThanOrEqual(1e-4);
    }
    const noBias = conv2d(rt, x, w, undefined, g);
    expect(relErr(noBias.data, naiveConv(x, w, undefined, g).data)).toBeLessThanOrEqual(1e-4);
  });
});

describe('conv2d algorithm choice and determinism', () => {
  it('picks depthwise, direct and gemm from the table', () => {
    expect(chooseConvAlgo({ N: 1, C: 8, H: 8, W: 8, Cout: 8, kh: 3, kw: 3, groups: 8 })).toBe('depthwise');
    expect(chooseConvAlgo({ N: 1, C: 1, H: 28, W: 28, Cout: 32, kh: 3, kw: 3 })).toBe('direct');
    expect(chooseConvAlgo({ N: 1, C: 64, H: 8, W: 8, Cout: 64, kh: 3, kw: 3 })).toBe('gemm');
    expect(chooseConvAlgo({ N: 1, C: 3, H: 8, W: 8, Cout: 8, kh: 3, kw: 3, stride: [2, 2] })).toBe('gemm');
  });

  it('gives bit-identical results on 1 and 2 threads (batch split and column split)', () => {
    const geoms: ConvGeometry[] = [
      { N: 4, C: 16, H: 20, W: 20, Cout: 24, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
      { N: 1, C: 32, H: 30, W: 30, Cout: 32, kh: 3, kw: 3, pads: [1, 1, 1, 1] },
      { N: 1, C: 3, H: 64, W: 64, Cout: 16, kh: 3, kw: 3 },
      { N: 3, C: 32, H: 32, W: 32, Cout: 32, kh: 3, kw: 3, groups: 32, pads: [1, 1, 1, 1] },
    ];
    for (const g of geoms) {
      const x = rand(g.N * g.C * g.H * g.W, 4), w = rand(g.Cout * (g.C / (g.groups ?? 1)) * 9, 5);
      for (const build of ['simd', 'relaxed']) {
        const [one, two] = variants.filter((v) => v.name.startsWith(build)).map((v) => conv2d(v.rt, x, w, undefined, g).data);
        expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), label(g)).toBe(true);
      }
    }
  });
});
