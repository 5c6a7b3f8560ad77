// depthwise conv kernels on the simulator against the reference Conv with group = C over a sweep
// (strides 1/2, pads 0..2, odd sizes, channel counts not multiples of 4, 5x5 windows, forced
// blocks), fused activations (relu, relu6, leaky), the useful-FLOP count, a wrong kernel that must
// be caught, and shape errors.
import { describe, expect, it } from 'vitest';
import { depthwise, type DepthwiseShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

/** The reference activation after the conv (what a fused epilogue must equal). */
const ACT: Record<string, (v: number, alpha: number) => number> = {
  none: (v) => v, relu: (v) => Math.max(v, 0), relu6: (v) => Math.min(Math.max(v, 0), 6), leaky: (v, a) => (v < 0 ? a * v : v),
};

function check(sh: DepthwiseShape, opts: Parameters<typeof depthwise>[2] = {}, asm?: (a: string) => string, scale = 1): number {
  const k0 = depthwise(sh, T, opts);
  const k = asm ? { ...k0, asm: asm(k0.asm) } : k0;
  const kk = sh.k ?? 3;
  const x = rand(sh.C * sh.H * sh.W, 31).map((v) => v * scale), w = rand(sh.C * kk * kk, 32), b = rand(sh.C, 33);
  const { outs } = simulate(k, T, { x, w, b });
  const conv = reference('Conv', [{ shape: [1, sh.C, sh.H, sh.W], data: x }, { shape: [sh.C, 1, kk, kk], data: w }, { shape: [sh.C], data: b }],
    { kernel_shape: [kk, kk], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad], group: sh.C });
  const act = ACT[opts.activation ?? 'none']!, alpha = opts.alpha ?? 0.01;
  return relError(outs.y!, conv.map((v) => act(v, alpha)));
}

const SWEEP: Array<[string, DepthwiseShape]> = [
  ['3x3 s1 pad 1 odd sizes, C=5', { C: 5, H: 7, W: 9, stride: 1, pad: 1 }],
  ['3x3 s1 pad 0', { C: 3, H: 8, W: 10, stride: 1, pad: 0 }],
  ['3x3 s2 pad 1 odd sizes', { C: 6, H: 9, W: 11, stride: 2, pad: 1 }],
  ['3x3 s2 pad 0', { C: 2, H: 8, W: 8, stride: 2, pad: 0 }],
  ['3x3 s1 pad 2 (output larger than input)', { C: 3, H: 5, W: 6, stride: 1, pad: 2 }],
  ['5x5 s1 pad 2', { C: 3, H: 7, W: 8, k: 5, stride: 1, pad: 2 }],
  ['thesis-like 3x3 s1 16ch 16x16', { C: 16, H: 16, W: 16, stride: 1, pad: 1 }],
];

describe('depthwise vs reference Conv (group = C)', () => {
  for (const [name, sh] of SWEEP) {
    it(name, () => { expect(check(sh)).toBeLessThanOrEqual(1e-5); });
  }
  it('forced blocks and two input streams agree too', () => {
    expect(check({ C: 5, H: 9, W: 13, stride: 1, pad: 1 }, { block: { R: 3, P: 2 }, nIn: 2 })).toBeLessThanOrEqual(1e-5);
    expect(check({ C: 4, H: 9, W: 13, stride: 2, pad: 1 }, { block: { R: 1, P: 1 }, nIn: 3 })).toBeLessThanOrEqual(1e-5);
  });
});

describe('fused activation after the bias', () => {
  // inputs scaled so that outputs fall on both sides of 0 and of 6
  it('relu6 clamps both ends (stride 1 and 2, forced blocks)', () => {
    expect(check({ C: 6, H: 9, W: 11, stride: 1, pad: 1 }, { activation: 'relu6' }, undefined, 8)).toBeLessThanOrEqual(1e-5);
    expect(check({ C: 5, H: 10, W: 9, stride: 2, pad: 1 }, { activation: 'relu6', block: { R: 2, P: 1 } }, undefined, 8)).toBeLessThanOrEqual(1e-5);
  });
  it('relu and leaky', () => {
    expect(check({ C: 4, H: 8, W: 8, stride: 1, pad: 1 }, { activation: 'relu' })).toBeLessThanOrEqual(1e-5);
    expect(check({ C: 3, H: 7, W: 9, stride: 1, pad: 1 }, { activation: 'leaky', alpha: 0.2 })).toBeLessThanOrEqual(1e-5);
  });
  it('a dropped clamp is caught', () => {
    const sh: DepthwiseShape = { C: 6, H: 9, W: 11, stride: 1, pad: 1 };
    const bad = (a: string): string => a.replace(/xyzt fr(\d+) = min\(fr\1, fr62\)/g, 'nop');
    const asm = depthwise(sh, T, { activation: 'relu6' }).asm;
    expect(bad(asm)).not.toBe(asm);
    expect(check(sh, { activation: 'relu6' }, bad, 8)).toBeGreaterThan(1e-3);
  });
});

describe('software-pipelined nest (generated mode)', () => {
  const PIPE: Array<[string, DepthwiseShape, Parameters<typeof depthwise>[2]]> = [
    ['3x3 s1 pad 1 odd sizes, relu6', { C: 5, H: 9, W: 11, stride: 1, pad: 1 }, { activation: 'relu6' }],
    ['3x3 s2 pad 1 odd sizes', { C: 6, H: 9, W: 11, stride: 2, pad: 1 }, {}],
    ['3x3 s1 pad 0, leaky', { C: 3, H: 8, W: 10, stride: 1, pad: 0 }, { activation: 'leaky', alpha: 0.1 }],
    ['mobilenet-like 16ch 28x28, relu6', { C: 16, H: 28, W: 28, stride: 1, pad: 1 }, { activation: 'relu6' }],
    ['forced block R=3 P=2', { C: 4, H: 9, W: 13, stride: 1, pad: 1 }, { block: { R: 3, P: 2 } }],
  ];
  it('5x5: no pipelined schedule fits the registers, so pipeline: true keeps the list-scheduled nest', () => {
    const sh: DepthwiseShape = { C: 3, H: 7, W: 8, k: 5, stride: 1, pad: 2 };
    expect(() => depthwise(sh, T, { pipeline: 'only' })).toThrow(/no software-pipelined schedule fits/);
    expect(depthwise(sh, T, { pipeline: true }).params.nIn).toBeGreaterThan(0);
    expect(check(sh, { pipeline: true })).toBeLessThanOrEqual(1e-5);
  });
  it('reads a zero-bordered x in place (xPadded): no copy, same result', () => {
    const sh: DepthwiseShape = { C: 4, H: 9, W: 10, stride: 1, pad: 1 };
    for (const pipeline of [false, 'only'] as const) {
      const k = depthwise(sh, T, { pipeline, xPadded: true });
      expect(k.params.xPadded).toBe(1);
      expect(k.params.copyIn).toBe(0);
      const { Hpp, Wpp } = k.params as { Hpp: number; Wpp: number };
      const x = rand(sh.C * sh.H * sh.W, 31), w = rand(sh.C * 9, 32), b = rand(sh.C, 33);
      const xp = new Float32Array(sh.C * Hpp * Wpp);
      for (let c = 0; c < sh.C; c++) for (let r = 0; r < sh.H; r++) for (let q = 0; q < sh.W; q++) xp[c * Hpp * Wpp + (r + 1) * Wpp + q + 1] = x[(c * sh.H + r) * sh.W + q]!;
      const { outs } = simulate(k, T, { x: xp, w, b });
      const ref = reference('Conv', [{ shape: [1, sh.C, sh.H, sh.W], data: x }, { shape: [sh.C, 1, 3, 3], data: w }, { shape: [sh.C], data: b }],
        { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: sh.C });
      expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
    }
  });
  for (const [name, sh, o] of PIPE) {
    it(name, () => {
      const k = depthwise(sh, T, { ...o, pipeline: 'only' });
      expect(k.params.nIn).toBe(0);
      expect(k.asm).toMatch(/software pipelined/);
      expect(check(sh, { ...o, pipeline: 'only' }, undefined, 8)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('FLOPs and the check itself', () => {
  it('counts only taps on real input (padding not counted)', () => {
    // 3x3 pad 1 over 3x3: (2+3+2)^2 = 49 taps on real input per channel
    expect(depthwise({ C: 2, H: 3, W: 3, stride: 1, pad: 1 }, T).flops).toBe(2 * 2 * 49);
  });
  it('a dropped bias add is caught', () => {
    const bad = (a: string): string => a.replace(/ \|\| xyzt fr(\d+) = fr\1 \+ fr\d+/, '');
    const sh: DepthwiseShape = { C: 3, H: 6, W: 8, stride: 1, pad: 1 };
    expect(bad(depthwise(sh, T).asm)).not.toBe(depthwise(sh, T).asm);
    expect(check(sh, {}, bad)).toBeGreaterThan(1e-3);
  });
});

describe('generator errors', () => {
  const code = (f: () => unknown): string | undefined => { try { f(); } catch (e) { return (e as BwvmError).code; } return undefined; };
  it('stride 3, window larger than the padded input, N > 1, too large for on-chip memory', () => {
    expect(code(() => depthwise({ C: 2, H: 8, W: 8, stride: 3, pad: 1 }, T))).toBe('DSPLIB_SHAPE');
    expect(code(() => depthwise({ C: 2, H: 2, W: 2, k: 5, stride: 1, pad: 0 }, T))).toBe('DSPLIB_SHAPE');
    expect(code(() => depthwise({ N: 2, C: 2, H: 8, W: 8, stride: 1, pad: 1 }, T))).toBe('DSPLIB_SHAPE');
    expect(code(() => depthwise({ C: 256, H: 64, W: 64, stride: 1, pad: 1 }, T))).toBe('DSPLIB_NO_MEMORY');
  });
});
