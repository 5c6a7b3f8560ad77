// Batch-norm inference kernel (host-folded scale/shift) on the simulator against the reference
// BatchNormalization, on odd plane sizes and several channels.
import { expect, it } from 'vitest';
import { batchnorm, foldBatchNorm } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

for (const [C, H, W] of [[3, 5, 7], [8, 8, 8], [2, 1, 3]] as const) {
  it(`batchnorm C=${C} ${H}x${W} matches the reference`, () => {
    const x = rand(C * H * W, 1), g = rand(C, 2), be = rand(C, 3), m = rand(C, 4), v = rand(C, 5).map((a) => a + 1.5);
    const { scale, shift } = foldBatchNorm(g, be, m, v, 1e-5);
    const { outs } = simulate(batchnorm({ C, H, W }, T), T, { x, scale, shift });
    const c = (d: Float32Array) => ({ shape: [C], data: d });
    const ref = reference('BatchNormalization', [{ shape: [1, C, H, W], data: x }, c(g), c(be), c(m), c(v)], { epsilon: 1e-5 });
    expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
  });
}
