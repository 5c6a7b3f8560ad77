// Pooling kernels on the simulator against the reference MaxPool / AveragePool / GlobalAveragePool.
import { expect, it } from 'vitest';
import { pool, type PoolKind } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');
const CASES: Array<[PoolKind, number, number, number, number, number]> = [
  ['maxpool', 3, 8, 8, 2, 2], ['maxpool', 2, 7, 9, 3, 2], ['maxpool', 2, 6, 5, 3, 1],
  ['avgpool', 3, 8, 8, 2, 2], ['avgpool', 2, 9, 7, 3, 3], ['avgpool', 4, 5, 5, 5, 1],
  // global pools (pool-global.ts; resnet20's 8x8 head; 10x10 = 100 taps)
  ['avgpool', 5, 8, 8, 8, 1], ['avgpool', 2, 10, 10, 10, 1], ['maxpool', 3, 9, 9, 9, 1],
  // one-tap windows (a strided subsample): the value is copied, not added to itself
  ['avgpool', 2, 6, 7, 1, 2], ['maxpool', 2, 5, 5, 1, 1],
  // windows of 16+ taps smaller than the plane: partial accumulators and a tree (64 taps reuse tap registers)
  ['avgpool', 2, 9, 9, 5, 2], ['maxpool', 3, 12, 12, 4, 2], ['avgpool', 2, 10, 10, 7, 1], ['maxpool', 2, 11, 11, 8, 3], ['avgpool', 3, 9, 16, 8, 1],
];
// channel loop software pipelined (default where it issues fewer lines) and list-scheduled
const PIPE: Array<[PoolKind, number, number, number, number, number]> = [['maxpool', 16, 8, 8, 2, 2], ['avgpool', 7, 9, 7, 3, 3], ['avgpool', 6, 8, 8, 8, 1], ['maxpool', 5, 6, 5, 3, 1]];
for (const [kind, C, H, W, k, s] of [...CASES, ...PIPE]) for (const pipeline of [true, false]) {
  it(`${kind} C=${C} ${H}x${W} k=${k} s=${s}${pipeline ? '' : ' (list schedule)'} matches the reference`, () => {
    const x = rand(C * H * W, 9);
    const { outs } = simulate(pool(kind, { C, H, W, k, stride: s }, T, { pipeline }), T, { x });
    const global = k === H && k === W;
    const ref = global && kind === 'avgpool' ? reference('GlobalAveragePool', [{ shape: [1, C, H, W], data: x }], {})
      : reference(kind === 'maxpool' ? 'MaxPool' : 'AveragePool', [{ shape: [1, C, H, W], data: x }], { kernel_shape: [k, k], strides: [s, s] });
    expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
  });
}

it('small planes with many channels take the pipelined channel loop (fewer issued lines)', () => {
  const on = pool('maxpool', { C: 16, H: 8, W: 8, k: 2, stride: 2 }, T), off = pool('maxpool', { C: 16, H: 8, W: 8, k: 2, stride: 2 }, T, { pipeline: false });
  expect(on.params.pipelined).toBe(1);
  expect(on.params.staticLines).toBeLessThan(off.params.staticLines!);
});
