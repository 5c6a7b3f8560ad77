// Element-wise kernels (ReLU, ReLU6, Add) on the simulator against the reference Relu / Clip /
// Add over sizes with and without a partial last quad and with the chunk loop.
import { describe, expect, it } from 'vitest';
import { eltwise, type EltwiseKind } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');
const scaled = (n: number, seed: number): Float32Array => rand(n, seed).map((v) => v * 8);

function check(kind: EltwiseKind, n: number, pipeline?: boolean): number {
  const k = eltwise(kind, { n }, T, pipeline === undefined ? {} : { pipeline });
  const x = scaled(n, 5), x2 = scaled(n, 6);
  const { outs } = simulate(k, T, kind === 'add' ? { x, x2 } : { x });
  const ref = kind === 'relu' ? reference('Relu', [{ shape: [n], data: x }], {})
    : kind === 'relu6' ? reference('Clip', [{ shape: [n], data: x }, { shape: [], data: Float32Array.of(0) }, { shape: [], data: Float32Array.of(6) }], {})
      : reference('Add', [{ shape: [n], data: x }, { shape: [n], data: x2 }], {});
  return relError(outs.y!, ref);
}

describe('element-wise kernels vs reference', () => {
  for (const kind of ['relu', 'relu6', 'add'] as const) {
    for (const n of [1, 7, 64, 1000, 4 * 64 * 3 + 5]) {
      it(`${kind} n=${n}`, () => { expect(check(kind, n)).toBe(0); });
    }
  }
  for (const kind of ['relu', 'relu6', 'add'] as const) {
    it(`${kind}: software-pipelined and list-scheduled loops both exact (n = 1000, 4*3*7+1)`, () => {
      for (const n of [1000, 85]) for (const p of [true, false]) expect(check(kind, n, p)).toBe(0);
      expect(eltwise(kind, { n: 1000 }, T).params.pipelined).toBe(1);
      expect(eltwise(kind, { n: 1000 }, T, { pipeline: false }).params.pipelined).toBe(0);
    });
  }
  it('a wrong kernel (min instead of max) is caught', () => {
    const k = eltwise('relu', { n: 64 }, T);
    const bad = { ...k, asm: k.asm.replace('= max(', '= min(') };
    const x = scaled(64, 5);
    const { outs } = simulate(bad, T, { x });
    expect(relError(outs.y!, reference('Relu', [{ shape: [64], data: x }], {}))).toBeGreaterThan(1e-3);
  });
});
