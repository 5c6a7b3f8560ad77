// concat kernel on the simulator against the reference Concat (axis 1) for 2..4 NCHW inputs,
// batch N > 1, channel counts and planes not multiples of 4 (partial quads), and bad shapes.
import { describe, expect, it } from 'vitest';
import { concat, type ConcatShape } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { rand, reference, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function check(sh: ConcatShape, asm?: (a: string) => string): boolean {
  const k0 = concat(sh, T);
  const k = asm ? { ...k0, asm: asm(k0.asm) } : k0;
  const xs = sh.C.map((c, i) => rand(sh.N * c * sh.H * sh.W, 50 + i));
  const { outs } = simulate(k, T, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])));
  const ref = reference('Concat', xs.map((x, i) => ({ shape: [sh.N, sh.C[i]!, sh.H, sh.W], data: x })), { axis: 1 });
  return outs.y!.length === ref.length && outs.y!.every((v, i) => v === ref[i]);
}

describe('concat vs reference Concat (bit-exact)', () => {
  const SWEEP: ConcatShape[] = [
    { N: 1, C: [1, 1], H: 1, W: 1 },
    { N: 1, C: [3, 5], H: 4, W: 4 },
    { N: 2, C: [3, 2, 7], H: 5, W: 3 },
    { N: 3, C: [1, 6, 2, 5], H: 7, W: 9 },
    { N: 1, C: [16, 16], H: 16, W: 16 },
    { N: 2, C: [67, 13], H: 3, W: 1 },
  ];
  for (const sh of SWEEP) it(`N=${sh.N} C=${sh.C.join('+')} ${sh.H}x${sh.W}`, () => { expect(check(sh)).toBe(true); });
  it('inputs copied to the wrong channel offset are caught', () => {
    const sh = { N: 2, C: [3, 5], H: 2, W: 4 };
    const bad = (a: string): string => a.replace(/y\+(\d+)/, (_, n: string) => `y+${+n + 8}`);
    expect(bad(concat(sh, T).asm)).not.toBe(concat(sh, T).asm);
    expect(check(sh, bad)).toBe(false);
  });
  it('fewer than 2 or more than 4 inputs and bad sizes are refused', () => {
    const code = (sh: ConcatShape): string => { try { concat(sh, T); } catch (e) { return (e as BwvmError).code; } return 'none'; };
    expect(code({ N: 1, C: [4], H: 2, W: 2 })).toBe('DSPLIB_SHAPE');
    expect(code({ N: 1, C: [1, 1, 1, 1, 1], H: 2, W: 2 })).toBe('DSPLIB_SHAPE');
    expect(code({ N: 1, C: [2, 0], H: 2, W: 2 })).toBe('DSPLIB_SHAPE');
  });
});
