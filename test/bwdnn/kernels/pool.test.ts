// Max / average pooling against the naive loop: kernel/stride/pad sweeps, count_include_pad.
import { describe, it, expect } from 'vitest';
import { pool2d, poolOutputShape, type PoolGeometry } from '../../../src/bwdnn/kernels/pool.js';
import { naivePool, rand, relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';

const variants = runtimeMatrix();

const cases: Omit<PoolGeometry, 'mode'>[] = [
  { N: 2, C: 3, H: 8, W: 8, kh: 2, kw: 2 },
  { N: 1, C: 5, H: 7, W: 9, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1] },
  { N: 3, C: 2, H: 11, W: 6, kh: 3, kw: 2, stride: [1, 2], pads: [1, 0, 0, 1] },
  { N: 1, C: 4, H: 7, W: 7, kh: 7, kw: 7 },
  { N: 64, C: 64, H: 16, W: 16, kh: 2, kw: 2 },
  { N: 1, C: 3, H: 8, W: 7, kh: 3, kw: 3, stride: [2, 2], pads: [1, 1, 1, 1], ceilMode: true },
  { N: 2, C: 2, H: 7, W: 7, kh: 2, kw: 2, ceilMode: true },
];

describe.each(variants)('pool2d on $name', ({ rt }) => {
  for (const mode of ['max', 'avg'] as const) {
    it.each(cases.map((g) => [JSON.stringify(g), g] as const))(`${mode} %s`, (_, g) => {
      const x = rand(g.N * g.C * g.H * g.W, 7);
      for (const countIncludePad of mode === 'avg' ? [false, true] : [false]) {
        const got = pool2d(rt, x, { ...g, mode, countIncludePad });
        const want = naivePool(x, g.N, g.C, g.H, g.W, g.kh, g.kw, { stride: g.stride, pads: g.pads, mode, countIncludePad, ceilMode: g.ceilMode });
        expect(got.shape).toEqual(poolOutputShape({ ...g, mode }));
        expect(relErr(got.data, want)).toBeLessThanOrEqual(1e-4);
      }
    });
  }
});

describe('pool shapes', () => {
  it('ceil mode adds the partial window', () => {
    expect(poolOutputShape({ N: 1, C: 1, H: 7, W: 7, kh: 2, kw: 2, mode: 'max' })).toEqual([1, 1, 3, 3]);
    expect(poolOutputShape({ N: 1, C: 1, H: 7, W: 7, kh: 2, kw: 2, mode: 'max', ceilMode: true })).toEqual([1, 1, 4, 4]);
  });
});
