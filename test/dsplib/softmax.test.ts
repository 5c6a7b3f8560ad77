// softmax kernel on the simulator against the reference Softmax (last axis) over row lengths with
// and without a partial quad, fewer than 4 quads, several rows, large-magnitude inputs (the max
// subtraction must keep exp finite), long rows looping over chunks, and a wrong kernel (no max subtraction) that must be caught.
import { describe, expect, it } from 'vitest';
import { softmax } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { rand, reference, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function check(N: number, K: number, scale: number, asm?: (a: string) => string): number {
  const k0 = softmax({ N, K }, T);
  const k = asm ? { ...k0, asm: asm(k0.asm) } : k0;
  const x = rand(N * K, 7 + K).map((v) => v * scale);
  const { outs } = simulate(k, T, { x });
  const ref = reference('Softmax', [{ shape: [N, K], data: x }], { axis: -1 });
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs(outs.y![i]! - ref[i]!) / Math.max(Math.abs(ref[i]!), 1e-30));
  return e;
}

describe('softmax vs reference (per-element relative error)', () => {
  for (const [N, K] of [[1, 1], [2, 3], [3, 10], [1, 17], [4, 64], [2, 203]] as const) {
    it(`N=${N} K=${K}`, () => { expect(check(N, K, 5)).toBeLessThanOrEqual(1e-5); });
  }
  it('large logits (|x| up to 500): max subtraction keeps exp finite', () => {
    expect(check(3, 21, 500)).toBeLessThanOrEqual(1e-5);
  });
  it('a kernel without the max subtraction is caught on large logits', () => {
    const bad = (a: string): string => a.replace(/(xyzt fr\d+ = fr\d+) - fr12\b/g, '$1 - fr63');
    expect(bad(softmax({ N: 1, K: 8 }, T).asm)).not.toBe(softmax({ N: 1, K: 8 }, T).asm);
    expect(check(1, 8, 500, bad)).toBeGreaterThan(1e-3);
  });
  it('long rows (pass loops over chunks of quads): N=2 K=1000 and N=1 K=4001', () => {
    expect(check(2, 1000, 5)).toBeLessThanOrEqual(1e-5);
    expect(check(1, 4001, 5)).toBeLessThanOrEqual(1e-5);
  });
});
