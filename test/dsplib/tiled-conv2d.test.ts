// DDR-tiled conv2d on the simulator vs the reference Conv (max relative error <= 1e-5): forced
// tile shapes with edge bands (zero-padded rows re-zeroed in a reused ping/pong buffer), channel
// groups with a remainder, stride 2 and 5x5, a fused activation; the plan's DDR words equal the
// words the simulator's DMA engine moved; the budget forces row bands; errors name the limit.
import { describe, expect, it } from 'vitest';
import { type Conv2dShape } from '../../src/dsplib/index.js';
import { conv2dTiled, type Conv2dTiledOptions } from '../../src/dsplib/tiled/conv2d-tiled.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { convData, convReference, runConv } from './conv2d-check.js';
import { relError } from './harness.js';

const T = getTarget('bwdsp104x');

function check(sh: Conv2dShape, o: Conv2dTiledOptions) {
  const d = convData(sh, 31);
  const k = conv2dTiled(sh, T, o);
  const { outs, res } = runConv(k, T, d);
  return { err: relError(outs.y!, convReference(sh, d, o)), k, res };
}

describe('conv2d_tiled vs reference Conv', () => {
  it('3 row bands (last one short, bottom pad rows re-zeroed) x 2 channel groups (4 + 3)', () => {
    const { err, k, res } = check({ C: 5, H: 9, W: 10, M: 7, kH: 3, kW: 3, stride: 1, pad: 1 }, { tile: { TH: 4, MG: 4 } });
    expect(err).toBeLessThanOrEqual(1e-5);
    expect([k.params.bands, k.params.groups, k.params.TH, k.params.MG]).toEqual([3, 2, 4, 4]);
    expect(k.asm).toMatch(/\.word zeros, xb0\+/);
    const p = res.profile;
    expect(k.params.ddrWords).toBe(p.memory.ddr.read + p.memory.ddr.written - zerosRead(k.asm));
  });
  it('stride 2, 5x5 pad 2, odd sizes, bands of 2 rows', () => {
    const { err, k } = check({ C: 3, H: 11, W: 9, M: 6, kH: 5, kW: 5, stride: 2, pad: 2 }, { tile: { TH: 2, MG: 4 } });
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(k.params.bands).toBe(3);
  });
  it('fused relu6 and leaky epilogues', () => {
    const sh: Conv2dShape = { C: 6, H: 8, W: 7, M: 5, kH: 3, kW: 3, stride: 1, pad: 1 };
    expect(check(sh, { tile: { TH: 4, MG: 4 }, activation: 'relu6' }).err).toBeLessThanOrEqual(1e-5);
    expect(check(sh, { tile: { TH: 4, MG: 8 }, activation: 'leaky', alpha: 0.2 }).err).toBeLessThanOrEqual(1e-5);
  });
  it('a small on-chip budget makes the plan cut row bands; DDR words match the DMA engine', () => {
    const sh: Conv2dShape = { C: 4, H: 12, W: 12, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 };
    const { err, k, res } = check(sh, { budgetWords: 2600, block: { R: 2, P: 1, Q: 4 } });
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(k.params.bands).toBeGreaterThan(1);
    expect(k.params.ddrWords).toBe(res.profile.memory.ddr.read + res.profile.memory.ddr.written - zerosRead(k.asm));
    expect(res.profile.dma.transfers).toBe(k.params.dmaTransfers);
  });
  it('the default plan keeps x resident when it fits (fewest DDR words: x + w + b + y once)', () => {
    const sh: Conv2dShape = { C: 4, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 };
    const { err, k } = check(sh, {});
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(k.params.bands).toBe(1);
    expect(k.params.ddrWords).toBe(4 * 64 + 8 * k.params.Kp! + 8 + 8 * 64);
    expect(k.inputs.every((i) => i.space === 'ddr')).toBe(true);
  });
  it('refuses what it cannot do, naming the limit', () => {
    const sh: Conv2dShape = { C: 4, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 };
    const e = (f: () => unknown): BwvmError => { try { f(); } catch (x) { return x as BwvmError; } throw new Error('no error'); };
    expect(e(() => conv2dTiled(sh, T, { budgetWords: 300 })).code).toBe('DSPLIB_NO_MEMORY');
    expect(e(() => conv2dTiled({ ...sh, N: 2 }, T)).code).toBe('DSPLIB_SHAPE');
    expect(e(() => conv2dTiled(sh, T, { addend: true } as never)).code).toBe('DSPLIB_OPTION');
  });
});

/** DDR words read from the zero rows (pad rows re-zeroed): not data the layer moves. */
function zerosRead(asm: string): number {
  let n = 0;
  for (const m of asm.matchAll(/\.word zeros, \S+ (\d+), (\d+),/g)) n += +m[1]! * +m[2]!;
  return n;
}
