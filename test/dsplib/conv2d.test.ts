// conv2d kernels on the simulator against the reference Conv over a shape sweep (kernel sizes,
// strides, paddings, odd sizes, channel counts not multiples of 4), a deliberately wrong kernel
// that must be caught, and generator errors naming the limit and the shape.
import { describe, expect, it } from 'vitest';
import { conv2d, type Conv2dShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function check(sh: Conv2dShape, asm?: (a: string) => string, target = T): number {
  const k = conv2d(sh, target);
  const kk = asm ? { ...k, asm: asm(k.asm) } : k;
  const x = rand(sh.C * sh.H * sh.W, 11), w = rand(sh.M * sh.C * sh.kH * sh.kW, 12), b = rand(sh.M, 13);
  const { outs } = simulate(kk, target, { x, w, b });
  const ref = reference('Conv', [{ shape: [1, sh.C, sh.H, sh.W], data: x }, { shape: [sh.M, sh.C, sh.kH, sh.kW], data: w }, { shape: [sh.M], data: b }],
    { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad] });
  return relError(outs.y!, ref);
}

const SWEEP: Array<[string, Conv2dShape]> = [
  ['1x1 stride 1', { C: 5, H: 6, W: 8, M: 7, kH: 1, kW: 1, stride: 1, pad: 0 }],
  ['1x1 stride 2', { C: 4, H: 7, W: 9, M: 4, kH: 1, kW: 1, stride: 2, pad: 0 }],
  ['3x3 pad 1 odd sizes', { C: 3, H: 7, W: 9, M: 5, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['3x3 pad 0', { C: 6, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 0 }],
  ['3x3 stride 2 pad 1', { C: 5, H: 9, W: 11, M: 6, kH: 3, kW: 3, stride: 2, pad: 1 }],
  ['5x5 pad 2', { C: 3, H: 9, W: 10, M: 9, kH: 5, kW: 5, stride: 1, pad: 2 }],
  ['5x5 stride 2 pad 2', { C: 2, H: 11, W: 9, M: 3, kH: 5, kW: 5, stride: 2, pad: 2 }],
  ['7x7 stride 2 pad 2 (pad < k/2)', { C: 3, H: 13, W: 12, M: 5, kH: 7, kW: 7, stride: 2, pad: 2 }],
  ['7x7 pad 0', { C: 2, H: 9, W: 10, M: 4, kH: 7, kW: 7, stride: 1, pad: 0 }],
  ['non-square kernel 1x3', { C: 3, H: 5, W: 6, M: 5, kH: 1, kW: 3, stride: 1, pad: 1 }],
  ['many channels (channel loop)', { C: 40, H: 8, W: 8, M: 10, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['thesis-like 16->16 16x16', { C: 16, H: 16, W: 16, M: 16, kH: 3, kW: 3, stride: 1, pad: 1 }],
];

describe('conv2d vs reference Conv', () => {
  for (const [name, sh] of SWEEP) {
    it(name, () => { expect(check(sh)).toBeLessThanOrEqual(1e-5); });
  }
  it('runs on bwdsp100 too (4 MAC units, fp add on the MAC units)', () => {
    expect(check({ C: 3, H: 6, W: 7, M: 6, kH: 3, kW: 3, stride: 1, pad: 1 }, undefined, getTarget('bwdsp100'))).toBeLessThanOrEqual(1e-5);
  });
});

describe('the check catches wrong kernels', () => {
  const sh: Conv2dShape = { C: 3, H: 6, W: 8, M: 4, kH: 3, kW: 3, stride: 1, pad: 1 };
  it('bias added twice (an extra fadd) is caught', () => {
    const bad = (a: string): string => a.replace(/^(\s*)(.*?)(xyzt fr(\d+) = fr\4 \+ fr(\d+))(.*)$/m, '$1$2$3$6\n$1xyzt fr$4 = fr$4 + fr$5');
    expect(bad(conv2d(sh, T).asm)).not.toBe(conv2d(sh, T).asm);
    expect(check(sh, bad)).toBeGreaterThan(1e-3);
  });
  it('an input window off by one word is caught', () => {
    const bad = (a: string): string => a.replace(/xs\+(\d+)/, (_, n: string) => `xs+${+n + 1}`);
    expect(check(sh, bad)).toBeGreaterThan(1e-3);
  });
});

describe('generator errors', () => {
  const err = (f: () => unknown): BwvmError => { try { f(); } catch (e) { return e as BwvmError; } throw new Error('no error'); };
  it('shapes that do not fit on-chip memory name the words needed and the shape', () => {
    const e = err(() => conv2d({ C: 256, H: 64, W: 64, M: 256, kH: 3, kW: 3, stride: 1, pad: 1 }, T));
    expect(e.code).toBe('DSPLIB_NO_MEMORY');
    expect(e.message).toMatch(/C=256 64x64 -> M=256/);
    expect(e.message).toMatch(/has 786432/);
  });
  it('a register block that does not fit names the registers per macro', () => {
    const e = err(() => conv2d({ C: 4, H: 8, W: 8, M: 16, kH: 3, kW: 3, stride: 1, pad: 1 }, T, { block: { R: 4, P: 2, Q: 8 } }));
    expect(e.code).toBe('DSPLIB_REGISTERS');
    expect(e.message).toMatch(/64 registers per macro/);
    expect(e.message).toMatch(/R=4 P=2 Q=8/);
  });
  it('bad shapes and unsupported options are refused', () => {
    expect(err(() => conv2d({ C: 0, H: 8, W: 8, M: 4, kH: 3, kW: 3, stride: 1, pad: 1 }, T)).code).toBe('DSPLIB_SHAPE');
    expect(err(() => conv2d({ C: 2, H: 2, W: 2, M: 4, kH: 5, kW: 5, stride: 1, pad: 0 }, T)).code).toBe('DSPLIB_SHAPE');
    expect(err(() => conv2d({ N: 0, C: 2, H: 8, W: 8, M: 4, kH: 3, kW: 3, stride: 1, pad: 1 }, T)).code).toBe('DSPLIB_SHAPE');
    expect(err(() => conv2d({ C: 2, H: 8, W: 8, M: 4, kH: 3, kW: 3, stride: 1, pad: 1 }, T, { dtype: 'i16' as never })).code).toBe('DSPLIB_DTYPE');
  });
});
