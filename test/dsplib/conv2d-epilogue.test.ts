// conv2d fused epilogues against the reference chain Conv -> Add -> Relu / Clip(0,6) / LeakyRelu:
// each activation, the residual addend (with and without the padded output copy), a batch, and
// the default output unchanged (same assembly as without options).
import { describe, expect, it } from 'vitest';
import { conv2d, type Conv2dOptions, type Conv2dShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { convData, convReference, runConv } from './conv2d-check.js';
import { relError } from './harness.js';

const T = getTarget('bwdsp104x');
const A: Conv2dShape = { C: 5, H: 7, W: 9, M: 6, kH: 3, kW: 3, stride: 1, pad: 1 }; // OW 9: padded output copy
const B: Conv2dShape = { C: 4, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 }; // 8x8: y written in place

const CASES: Array<[string, Conv2dShape, Conv2dOptions]> = [
  ['relu', A, { activation: 'relu' }],
  ['relu6', B, { activation: 'relu6' }],
  ['leaky 0.1', A, { activation: 'leaky', alpha: 0.1 }],
  ['leaky alpha > 1 (min)', B, { activation: 'leaky', alpha: 1.5 }],
  ['addend only', A, { addend: true }],
  ['addend + relu (resnet block end), y in place', B, { addend: true, activation: 'relu' }],
  ['addend + relu6, padded copies', A, { addend: true, activation: 'relu6' }],
  ['batch 2, stride 2, addend + leaky', { ...A, N: 2, stride: 2 }, { addend: true, activation: 'leaky', alpha: 0.2 }],
];

describe('conv2d fused epilogue vs reference', () => {
  for (const [name, sh, o] of CASES) {
    it(name, () => {
      const d = convData(sh, 21);
      // scale the data so that activations clip a good share of outputs (relu6 needs values > 6)
      d.x = d.x.map((v) => 3 * v);
      const { outs } = runConv(conv2d(sh, T, o), T, d);
      const ref = convReference(sh, d, o);
      expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
      const plain = convReference(sh, d);
      expect(relError(ref, plain)).toBeGreaterThan(1e-3); // the epilogue changes the result
    });
  }
  it('the default output is the plain conv (activation none = no epilogue code)', () => {
    const norm = (a: string): string => a.replace(/L\d+/g, "L");
    expect(norm(conv2d(B, T, { activation: "none" }).asm)).toBe(norm(conv2d(B, T).asm));
    expect(conv2d(B, T).asm).not.toMatch(/max\(/);
  });
  it('bad options are refused', () => {
    expect(() => conv2d(B, T, { activation: 'gelu' as never })).toThrow(/activation 'gelu'/);
    expect(() => conv2d(B, T, { activation: 'leaky', alpha: NaN })).toThrow(/alpha/);
  });
});
