// Whole-plane pools (GlobalAveragePool, library mode's lowering; global max) on the simulator
// against the reference, for the plane sizes the zoo's heads produce and channel counts 1..128,
// in both channel-loop schedules; the quads-plus-leftover split and the partial-accumulator tree.
import { expect, it } from 'vitest';
import { pool, type PoolKind } from '../../src/dsplib/index.js';
import { globalBody } from '../../src/dsplib/pool-global.js';
import { getTarget } from '../../src/target/index.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function check(kind: PoolKind, C: number, H: number, pipeline: boolean): void {
  const x = rand(C * H * H, 7 + C + H);
  const k = pool(kind, { C, H, W: H, k: H, stride: 1 }, T, { pipeline });
  const { outs } = simulate(k, T, { x });
  const ref = kind === 'avgpool' ? reference('GlobalAveragePool', [{ shape: [1, C, H, H], data: x }], {})
    : reference('MaxPool', [{ shape: [1, C, H, H], data: x }], { kernel_shape: [H, H], strides: [1, 1] });
  expect(relError(outs.y!, ref)).toBeLessThanOrEqual(1e-5);
}

// resnet20's 8x8 head with 64 channels (32x32 input), the zoo's other plane sizes, odd planes (leftover words)
const CASES: Array<[number, number]> = [[64, 8], [1, 4], [3, 4], [128, 4], [2, 7], [33, 7], [1, 8], [16, 8], [128, 8], [5, 14], [17, 16], [2, 1], [3, 2], [4, 3], [2, 5]];
for (const [C, H] of CASES) for (const pipeline of [true, false]) {
  it(`global avgpool C=${C} ${H}x${H}${pipeline ? '' : ' (list schedule)'} matches the reference`, () => check('avgpool', C, H, pipeline));
}
for (const [C, H] of [[6, 8], [3, 7], [2, 3]] as const) for (const pipeline of [true, false]) {
  it(`global maxpool C=${C} ${H}x${H}${pipeline ? '' : ' (list schedule)'} matches the reference (cross-macro max)`, () => check('maxpool', C, H, pipeline));
}

it('an 8x8 plane is 16 quads on 4 partial accumulators: the longest dependent chain is 3 adds, not 63', () => {
  const { ops } = globalBody('avgpool', 64, 63);
  expect(ops.filter((o) => o.t === 'load')).toHaveLength(16);
  // dependent adds into each accumulator slot before the tree
  const chains = [0, 1, 2, 3].map((s) => ops.filter((o) => o.t === 'op' && o.form === 'add2' && o.d === s && 'tmp' in o.b).length);
  expect(chains).toEqual([3, 3, 3, 3]);
});

it('the 64-channel 8x8 global average pool pipelines its channel loop and issues far fewer lines than one tap per line', () => {
  const k = pool('avgpool', { C: 64, H: 8, W: 8, k: 8, stride: 1 }, T);
  expect(k.params.pipelined).toBe(1);
  expect(k.params.staticLines).toBeLessThan(64 * 16);
});
