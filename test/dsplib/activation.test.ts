// LeakyReLU / sigmoid / tanh kernels on the simulator against the reference LeakyRelu / Sigmoid /
// Tanh: sizes with and without a partial quad and the chunk loop, per-element relative error over
// [-20, 20], exact 0 at 0, saturation at ±large inputs, and a wrong kernel that must be caught.
import { describe, expect, it } from 'vitest';
import { activation, type ActivationKind } from '../../src/dsplib/index.js';
import { getTarget } from '../../src/target/index.js';
import { rand, reference, relError, simulate } from './harness.js';

const T = getTarget('bwdsp104x');
const OP: Record<ActivationKind, string> = { leakyrelu: 'LeakyRelu', sigmoid: 'Sigmoid', tanh: 'Tanh' };

function run(kind: ActivationKind, x: Float32Array, alpha = 0.01, asm?: (a: string) => string, pipeline?: boolean): { y: Float32Array; ref: Float32Array } {
  const k0 = activation(kind, { n: x.length, alpha }, T, pipeline === undefined ? {} : { pipeline });
  const k = asm ? { ...k0, asm: asm(k0.asm) } : k0;
  const { outs } = simulate(k, T, { x });
  return { y: outs.y!, ref: reference(OP[kind], [{ shape: [x.length], data: x }], kind === 'leakyrelu' ? { alpha } : {}) };
}

/** max over elements of |y - ref| / |ref| (elements with ref = 0 must match exactly). */
function elementRel(y: Float32Array, ref: Float32Array): number {
  let e = 0;
  for (let i = 0; i < y.length; i++) e = Math.max(e, ref[i] === 0 ? (y[i] === 0 ? 0 : Infinity) : Math.abs(y[i]! - ref[i]!) / Math.abs(ref[i]!));
  return e;
}

describe('activations vs reference', () => {
  for (const kind of ['leakyrelu', 'sigmoid', 'tanh'] as const) {
    for (const n of [1, 6, 333, 4 * 64 + 3]) {
      it(`${kind} n=${n}, x in [-20, 20]: per-element relative error <= 1e-5`, () => {
        const x = rand(n, 40 + n).map((v) => v * 20);
        const { y, ref } = run(kind, x);
        expect(elementRel(y, ref)).toBeLessThanOrEqual(1e-5);
      });
    }
  }
  for (const kind of ['leakyrelu', 'sigmoid', 'tanh'] as const) {
    it(`${kind}: software-pipelined (default for n = 333) and list-scheduled loops both within 1e-5`, () => {
      const x = rand(333, 7).map((v) => v * 20);
      for (const p of [true, false]) { const { y, ref } = run(kind, x, 0.01, undefined, p); expect(elementRel(y, ref)).toBeLessThanOrEqual(1e-5); }
      expect(activation(kind, { n: 333 }, T).params.pipelined).toBe(1);
    });
  }
  it('leakyrelu with alpha > 1 and a non-representable alpha', () => {
    for (const alpha of [1.5, 0.3]) {
      const x = rand(50, 3).map((v) => v * 5);
      const { y, ref } = run('leakyrelu', x, alpha);
      expect(elementRel(y, ref)).toBeLessThanOrEqual(1e-6);
    }
  });
  it('sigmoid and tanh: exact at 0, small inputs, saturation at ±large', () => {
    const x = Float32Array.from([0, 1e-6, -1e-6, 1e-3, -0.01, 0.2, -0.35, 0.36, 9, -9, 40, -40, 100, -100, 1e30, -1e30, 3e38, -3e38]);
    const s = run('sigmoid', x), th = run('tanh', x);
    expect(s.y[0]).toBe(0.5);
    expect(th.y[0]).toBe(0);
    expect(elementRel(th.y, th.ref)).toBeLessThanOrEqual(1e-5);
    expect(elementRel(s.y.subarray(0, 12), s.ref.subarray(0, 12))).toBeLessThanOrEqual(1e-5);
    for (let i = 12; i < x.length; i++) {
      if (x[i]! > 0) { expect(s.y[i]).toBe(1); expect(th.y[i]).toBe(1); } else { expect(s.y[i]).toBeLessThan(1e-37); expect(s.y[i]).toBeGreaterThanOrEqual(0); expect(th.y[i]).toBe(-1); }
    }
  });
});

describe('other targets', () => {
  it('sigmoid and tanh run on bwdsp100', () => {
    const T1 = getTarget('bwdsp100'), x = rand(37, 5).map((v) => v * 10);
    for (const kind of ['sigmoid', 'tanh'] as const) {
      const { outs } = simulate(activation(kind, { n: 37 }, T1), T1, { x });
      expect(elementRel(outs.y!, reference(OP[kind], [{ shape: [37], data: x }], {}))).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('the check catches wrong kernels', () => {
  it('a dropped r^3 term in exp is caught', () => {
    const x = rand(64, 9).map((v) => v * 4);
    const bad = (a: string): string => a.replace(`.float ${Math.fround(1 / 6)}`, '.float 0');
    expect(bad(activation('sigmoid', { n: 64 }, T).asm)).not.toBe(activation('sigmoid', { n: 64 }, T).asm);
    const { y, ref } = run('sigmoid', x, 0.01, bad);
    expect(relError(y, ref)).toBeGreaterThan(1e-5);
  });
});
