// deconv (ConvTranspose) kernels on the simulator against the reference ConvTranspose over a
// sweep (strides 1/2, kernels 2..5, symmetric and asymmetric pads, output_padding, odd sizes,
// channels not multiples of 4, tiles overhanging the output), the polyphase FLOP count, a wrong
// weight layout that must be caught, and the generator's shape errors.
import { describe, expect, it } from 'vitest';
import { deconv, type DeconvOptions, type DeconvShape, deconvWeights } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function run(sh: DeconvShape, wLayout = deconvWeights, opts: DeconvOptions = {}): { err: number; flops: number; cycles: number } {
  const k = deconv(sh, T, opts);
  const x = rand(sh.C * sh.H * sh.W, 21), w = rand(sh.C * sh.M * sh.kH * sh.kW, 22), b = rand(sh.M, 23);
  const { outs, res } = simulate(k, T, { x, w: wLayout(sh, w), b });
  const pads = sh.pads ?? [sh.pad, sh.pad, sh.pad, sh.pad];
  const ref = reference('ConvTranspose', [{ shape: [1, sh.C, sh.H, sh.W], data: x }, { shape: [sh.C, sh.M, sh.kH, sh.kW], data: w }, { shape: [sh.M], data: b }],
    { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads, output_padding: [sh.outPad ?? 0, sh.outPad ?? 0] });
  return { err: relError(outs.y!, ref), flops: k.flops, cycles: res.cycles };
}

const SWEEP: Array<[string, DeconvShape]> = [
  ['3x3 s1 pad 1 (flipped conv)', { C: 5, H: 7, W: 9, M: 6, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['3x3 s1 pad 0 (grows the output)', { C: 3, H: 6, W: 5, M: 5, kH: 3, kW: 3, stride: 1, pad: 0 }],
  ['5x5 s1 pad 2', { C: 3, H: 7, W: 6, M: 7, kH: 5, kW: 5, stride: 1, pad: 2 }],
  ['2x2 s2 pad 0 (no overlap)', { C: 6, H: 5, W: 7, M: 3, kH: 2, kW: 2, stride: 2, pad: 0 }],
  ['3x3 s2 pad 1 output_padding 1', { C: 7, H: 8, W: 8, M: 5, kH: 3, kW: 3, stride: 2, pad: 1, outPad: 1 }],
  ['3x3 s2 pad 1 odd sizes', { C: 5, H: 5, W: 9, M: 6, kH: 3, kW: 3, stride: 2, pad: 1 }],
  ['4x4 s2 pad 1', { C: 6, H: 6, W: 7, M: 9, kH: 4, kW: 4, stride: 2, pad: 1 }],
  ['5x5 s2 pad 2 output_padding 1', { C: 3, H: 5, W: 6, M: 5, kH: 5, kW: 5, stride: 2, pad: 2, outPad: 1 }],
  ['4x4 s2 asymmetric pads', { C: 4, H: 5, W: 5, M: 3, kH: 4, kW: 4, stride: 2, pad: 0, pads: [0, 2, 1, 3] }],
  ['non-square 2x4 s2', { C: 3, H: 4, W: 6, M: 4, kH: 2, kW: 4, stride: 2, pad: 0, pads: [0, 1, 0, 1] }],
  ['3x3 s2 pad 2 (pads crop more than k-1)', { C: 2, H: 7, W: 7, M: 3, kH: 3, kW: 3, stride: 2, pad: 2 }],
  ['many channels (channel loop) 4x4 s2', { C: 26, H: 6, W: 8, M: 10, kH: 4, kW: 4, stride: 2, pad: 1 }],
];

describe('deconv vs reference ConvTranspose', () => {
  for (const [name, sh] of SWEEP) {
    it(name, () => { expect(run(sh).err).toBeLessThanOrEqual(1e-5); });
  }
});

// nest variants forced: column phases paired in one nest or separate, planar or row-interleaved input
const VARIANTS: Array<[string, DeconvShape, DeconvOptions]> = [
  ['paired 3x3 s2 odd sizes, interleaved input', { C: 5, H: 5, W: 9, M: 6, kH: 3, kW: 3, stride: 2, pad: 1 }, { pair: true, interleave: true }],
  ['paired 4x4 s2 asymmetric pads, planar input', { C: 4, H: 5, W: 5, M: 3, kH: 4, kW: 4, stride: 2, pad: 0, pads: [0, 2, 1, 3] }, { pair: true, interleave: false }],
  ['separate 2x2 s2, interleaved input', { C: 6, H: 5, W: 7, M: 3, kH: 2, kW: 2, stride: 2, pad: 0 }, { pair: false, interleave: true }],
  ['3x3 s1, interleaved input', { C: 5, H: 7, W: 9, M: 6, kH: 3, kW: 3, stride: 1, pad: 1 }, { interleave: true }],
  // last input channel by output-channel group (stores inside it) or in channel order; with a middle loop
  ['grouped last channel, 4x4 s2 middle loop, M not a multiple of Q', { C: 26, H: 6, W: 8, M: 10, kH: 4, kW: 4, stride: 2, pad: 1 }, { grouped: true, interleave: true, pair: false }],
  ['grouped last channel, paired 3x3 s2 odd sizes', { C: 5, H: 5, W: 9, M: 6, kH: 3, kW: 3, stride: 2, pad: 1 }, { grouped: true, pair: true }],
  ['channel-order last channel, 4x4 s2 planar', { C: 6, H: 6, W: 7, M: 9, kH: 4, kW: 4, stride: 2, pad: 1 }, { grouped: false, interleave: false }],
  ['grouped, stride 1 with one channel', { C: 1, H: 5, W: 6, M: 5, kH: 3, kW: 3, stride: 1, pad: 1 }, { grouped: true }],
  // interleaved copy: widths with single-word columns, a width below 4, a width of 1
  ['interleaved copy, W=6 (quad + 2 words), paired 2x2', { C: 7, H: 5, W: 6, M: 9, kH: 2, kW: 2, stride: 2, pad: 0 }, { interleave: true, pair: true }],
  ['interleaved copy, W=3, 3x3 s2 output_padding', { C: 3, H: 4, W: 3, M: 5, kH: 3, kW: 3, stride: 2, pad: 1, outPad: 1 }, { interleave: true, grouped: true }],
  ['interleaved copy, W=1', { C: 2, H: 3, W: 1, M: 3, kH: 2, kW: 2, stride: 2, pad: 0 }, { interleave: true }],
];

describe('deconv nest variants vs reference ConvTranspose', () => {
  for (const [name, sh, opts] of VARIANTS) {
    it(name, () => { expect(run(sh, deconvWeights, opts).err).toBeLessThanOrEqual(1e-5); });
  }
});

describe('useful FLOPs and the check itself', () => {
  it('stride 2 pad 0: every input x weight product is useful (= the IR op count without bias)', () => {
    const sh: DeconvShape = { C: 3, H: 4, W: 5, M: 2, kH: 3, kW: 3, stride: 2, pad: 0 };
    expect(deconv(sh, T).flops).toBe(2 * sh.C * sh.H * sh.W * sh.M * sh.kH * sh.kW);
  });
  it('pads crop products that would land outside the output', () => {
    const sh: DeconvShape = { C: 1, H: 3, W: 3, M: 1, kH: 3, kW: 3, stride: 1, pad: 1 };
    // stride 1 pad 1 = a 3x3 pad-1 conv over 3x3: 3*3 outputs, (2+3+2)^2 = 49 MACs
    expect(deconv(sh, T).flops).toBe(2 * 49);
  });
  it('weights laid out without the phase re-ordering are caught', () => {
    const sh: DeconvShape = { C: 3, H: 5, W: 5, M: 4, kH: 4, kW: 4, stride: 2, pad: 1 };
    const wrong = (s: DeconvShape, w: ArrayLike<number>): Float32Array => {
      const good = deconvWeights(s, w);
      return Float32Array.from(good, (v, i) => (i === 7 ? v + 0.5 : v));
    };
    expect(run(sh, wrong).err).toBeGreaterThan(1e-3);
  });
});

describe('generator errors name the limit and the shape', () => {
  const code = (f: () => unknown): string | undefined => { try { f(); } catch (e) { return (e as BwvmError).code; } return undefined; };
  it('stride 3, output_padding >= stride, kernel smaller than stride, N > 1', () => {
    expect(code(() => deconv({ C: 2, H: 4, W: 4, M: 2, kH: 3, kW: 3, stride: 3, pad: 0 }, T))).toBe('DSPLIB_SHAPE');
    expect(code(() => deconv({ C: 2, H: 4, W: 4, M: 2, kH: 3, kW: 3, stride: 2, pad: 0, outPad: 2 }, T))).toBe('DSPLIB_SHAPE');
    expect(code(() => deconv({ C: 2, H: 4, W: 4, M: 2, kH: 1, kW: 1, stride: 2, pad: 0 }, T))).toBe('DSPLIB_SHAPE');
    expect(code(() => deconv({ N: 2, C: 2, H: 4, W: 4, M: 2, kH: 3, kW: 3, stride: 1, pad: 1 }, T))).toBe('DSPLIB_SHAPE');
  });
  it('a layer too large for on-chip memory', () => {
    expect(code(() => deconv({ C: 64, H: 64, W: 64, M: 64, kH: 4, kW: 4, stride: 2, pad: 1 }, T))).toBe('DSPLIB_NO_MEMORY');
  });
});
