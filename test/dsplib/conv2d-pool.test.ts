// conv2d with a fused 2x2 stride-2 pool in the epilogue against the reference chain
// Conv -> activation -> MaxPool / AveragePool: odd sizes (floor mode, padded output copy), stride
// 2, a batch, each activation, and the option checks.
import { describe, expect, it } from 'vitest';
import { conv2d, type Conv2dOptions, type Conv2dShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { convData, convReference, outHW, runConv } from './conv2d-check.js';
import { reference, relError } from './harness.js';

const T = getTarget('bwdsp104x');

function pooledReference(sh: Conv2dShape, d: ReturnType<typeof convData>, o: Conv2dOptions): Float32Array {
  const [OH, OW] = outHW(sh);
  const y = convReference(sh, d, o);
  return reference(o.pool === 'max' ? 'MaxPool' : 'AveragePool', [{ shape: [sh.N ?? 1, sh.M, OH, OW], data: y }],
    { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
}

const CASES: Array<[string, Conv2dShape, Conv2dOptions]> = [
  ['max + relu, 8x8 in place', { C: 4, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 }, { activation: 'relu', pool: 'max' }],
  ['max + relu, odd 7x9 (floor, padded copy)', { C: 5, H: 7, W: 9, M: 6, kH: 3, kW: 3, stride: 1, pad: 1 }, { activation: 'relu', pool: 'max' }],
  ['max, no activation, 5x5 kernel (lenet conv1 shape)', { C: 1, H: 12, W: 12, M: 6, kH: 5, kW: 5, stride: 1, pad: 2 }, { pool: 'max' }],
  ['max + leaky alpha -0.5 (pool after the activation)', { C: 3, H: 6, W: 10, M: 5, kH: 3, kW: 3, stride: 1, pad: 1 }, { activation: 'leaky', alpha: -0.5, pool: 'max' }],
  ['max + relu6, stride 2', { C: 3, H: 13, W: 11, M: 7, kH: 3, kW: 3, stride: 2, pad: 1 }, { activation: 'relu6', pool: 'max' }],
  ['avg + relu, odd 9x7', { C: 4, H: 9, W: 7, M: 5, kH: 3, kW: 3, stride: 1, pad: 1 }, { activation: 'relu', pool: 'avg' }],
  ['avg, no activation (pool first)', { C: 3, H: 8, W: 6, M: 9, kH: 3, kW: 3, stride: 1, pad: 1 }, { pool: 'avg' }],
  ['batch 2, max + relu', { N: 2, C: 3, H: 6, W: 6, M: 4, kH: 3, kW: 3, stride: 1, pad: 1 }, { activation: 'relu', pool: 'max' }],
];

describe('conv2d fused 2x2 pool vs reference', () => {
  for (const [name, sh, o] of CASES) {
    it(name, () => {
      const d = convData(sh, 31);
      d.x = d.x.map((v) => 3 * v);
      const k = conv2d(sh, T, o);
      const [OH, OW] = outHW(sh);
      expect(k.outputs[0]!.shape).toEqual([sh.N ?? 1, sh.M, Math.floor(OH / 2), Math.floor(OW / 2)]);
      expect(k.params.R! % 2 + k.params.P! % 2).toBe(0);
      const { outs } = runConv(k, T, d);
      expect(relError(outs.y!, pooledReference(sh, d, o))).toBeLessThanOrEqual(1e-5);
    });
  }
  it('stores only the pooled tensor: under half the words written of the plain conv', () => {
    const sh: Conv2dShape = { C: 4, H: 18, W: 18, M: 8, kH: 3, kW: 3, stride: 1, pad: 0 }; // no padded input copy
    const d = convData(sh, 5);
    const fused = runConv(conv2d(sh, T, { activation: 'relu', pool: 'max' }), T, d);
    const plain = runConv(conv2d(sh, T, { activation: 'relu' }), T, d);
    const written = (r: typeof fused): number => r.res.profile.memory.chip.written;
    // the conv output (8 x 16 x 16 words) is never stored, only the pooled 8 x 8 x 8
    expect(written(plain)).toBe(8 * 16 * 16);
    expect(written(fused)).toBe(8 * 8 * 8);
  });
  it('bad options are refused', () => {
    const sh: Conv2dShape = { C: 2, H: 4, W: 4, M: 2, kH: 3, kW: 3, stride: 1, pad: 1 };
    expect(() => conv2d(sh, T, { pool: 'min' as never })).toThrow(/pool 'min'/);
    expect(() => conv2d(sh, T, { pool: 'max', addend: true })).toThrow(/residual addend/);
    expect(() => conv2d({ ...sh, H: 3, pad: 0 }, T, { pool: 'max' })).toThrow(/at least 2x2/);
    expect(() => conv2d(sh, T, { pool: 'max', block: { R: 1, P: 2, Q: 2 } })).toThrow(/even block/);
  });
});
