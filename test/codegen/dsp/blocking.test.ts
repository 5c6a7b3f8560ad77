// Generated mode's traffic-aware conv blocking: the static cost (executed lines, words moved) equals
// the simulator's count on the real kernel; the rule picks the fastest unless it is below the MAC
// bound and a near-fast candidate moves clearly fewer words; lenet5's conv1 gets a blocking moving fewer words than dsplib's default
// within the cycle margin, and the chosen kernel still computes the reference's conv.
import { describe, expect, test } from 'vitest';
import { CYCLE_MARGIN, MAC_BOUND, WORD_GAIN, conv2dByTraffic, kernelCost, pickBlocking } from '../../../src/codegen/dsp/blocking.js';
import { conv2d } from '../../../src/dsplib/index.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, reference, relError, simulate } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');
const CONV1 = { C: 1, H: 28, W: 28, M: 6, kH: 5, kW: 5, stride: 1, pad: 2 };
const OPTS = { activation: 'relu' as const, pool: 'max' as const };

describe('traffic-aware conv blocking', () => {
  test('static cost equals the simulator: cycles (no stalls in isolation) and on-chip words', () => {
    const k = conv2d(CONV1, T, { ...OPTS, block: { R: 4, P: 2, Q: 4 } });
    const c = kernelCost(k, T)!;
    const x = rand(28 * 28, 1), w = rand(6 * 25, 2), b = rand(6, 3);
    const { res } = simulate(k, T, { x, w, b });
    const mem = res.profile.memory.chip;
    expect(c.words).toBe(mem.read + mem.written);
    expect(c.cycles).toBe(res.profile.lines - 1); // executed lines but the final halt
  });

  test('rule: fastest unless a candidate within the cycle margin moves clearly fewer words', () => {
    const blk = (R: number) => ({ R, P: 1, Q: 1 });
    const fast = { block: blk(1), cycles: 1000, words: 1000 };
    expect(pickBlocking([fast, { block: blk(2), cycles: 1000 * (1 + CYCLE_MARGIN) + 1, words: 10 }]).block.R).toBe(1); // too slow
    expect(pickBlocking([fast, { block: blk(2), cycles: 1050, words: 1000 * (1 - WORD_GAIN) + 1 }]).block.R).toBe(1); // too little gain
    expect(pickBlocking([fast, { block: blk(2), cycles: 1050, words: 800 }, { block: blk(3), cycles: 1010, words: 900 }]).block.R).toBe(2);
    expect(pickBlocking([{ block: blk(2), cycles: 1200, words: 900 }, fast]).block.R).toBe(1);
    const slowerFewer = [fast, { block: blk(2), cycles: 1050, words: 800 }];
    expect(pickBlocking(slowerFewer, 1000 * (MAC_BOUND - 0.01)).block.R).toBe(2); // load-bound: trade
    expect(pickBlocking(slowerFewer, 1000 * MAC_BOUND).block.R).toBe(1); // MAC-bound: no trade
  });

  test('lenet5 conv1 (fused relu+maxpool): fewer words than the default blocking, within the margin, correct', () => {
    const def = kernelCost(conv2d(CONV1, T, OPTS), T)!;
    const { kernel, chosen, costs } = conv2dByTraffic(CONV1, T, OPTS);
    const fastest = Math.min(...costs.map((c) => c.cycles));
    expect(chosen.words).toBeLessThan(def.words);
    expect(chosen.cycles).toBeLessThanOrEqual(fastest * (1 + CYCLE_MARGIN));
    expect(chosen.cycles).toBeLessThanOrEqual(def.cycles * (1 + CYCLE_MARGIN));
    expect(kernelCost(kernel, T)).toEqual({ cycles: chosen.cycles, words: chosen.words });
    const x = rand(28 * 28, 4), w = rand(6 * 25, 5), b = rand(6, 6);
    const { outs } = simulate(kernel, T, { x, w, b });
    const conv = reference('Conv', [{ shape: [1, 1, 28, 28], data: x }, { shape: [6, 1, 5, 5], data: w }, { shape: [6], data: b }], { pads: [2, 2, 2, 2] });
    const relu = conv.map((v) => Math.max(v, 0));
    const want = reference('MaxPool', [{ shape: [1, 6, 28, 28], data: relu }], { kernel_shape: [2, 2], strides: [2, 2] });
    expect(relError(outs.y!, want)).toBeLessThanOrEqual(1e-5);
  });
});
