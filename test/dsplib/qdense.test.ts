// qdense (int8 fixed-point dense) on the simulator, bit-exact against bwDNN's fixed-point reference
// (requantize of src/bwdnn/quant/fixed.ts, accumulation as in kernels-mac.ts qgemm): random data,
// full-range / saturating values, odd K, M not a multiple of 4, long K, and generator errors.
import { describe, expect, it } from 'vitest';
import { qdense } from '../../src/dsplib/qdense.js';
import { qdensePack, type QDenseData } from '../../src/dsplib/qdense-pack.js';
import { dense } from '../../src/dsplib/index.js';
import { quantizeMultiplier, requantize } from '../../src/bwdnn/quant/fixed.js';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';
import { rand, simulate } from './harness.js';

const T = getTarget('bwdsp104x');

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function data(N: number, K: number, M: number, seed: number, extreme = false): QDenseData {
  const r = lcg(seed), i8 = (): number => (extreme ? (r() < 0.5 ? -128 : 127) : Math.floor(r() * 256) - 128);
  const x = Array.from({ length: N * K }, i8), w = Array.from({ length: M * K }, i8);
  const bias = Array.from({ length: M }, () => Math.floor((r() - 0.5) * 2 ** 20));
  // real multipliers from 2^-16 up to just under 1/4 (large ones saturate at the int8 bounds)
  const mult = Array.from({ length: M }, () => quantizeMultiplier(2 ** (-16 + 13.99 * r())));
  return { N, K, M, x, w, bias, mult, zx: Math.floor(r() * 40) - 20, zy: Math.floor(r() * 40) - 20 };
}

function reference(d: QDenseData): Int32Array {
  const y = new Int32Array(d.N * d.M);
  for (let n = 0; n < d.N; n++) for (let m = 0; m < d.M; m++) {
    let acc = d.bias ? d.bias[m]! : 0;
    for (let k = 0; k < d.K; k++) acc += (d.x[n * d.K + k]! - d.zx) * d.w[m * d.K + k]!;
    y[n * d.M + m] = requantize(acc, d.mult[m]!, d.zy, -128, 127);
  }
  return y;
}

function run(d: QDenseData, block?: { R: number; Q: number }): { y: Int32Array; cycles: number } {
  const k = qdense({ N: d.N, K: d.K, M: d.M, bits: 8 }, T, block ? { block } : {});
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  const words = qdensePack(d);
  sim.writeWords('x', words.x); sim.writeWords('w', words.w); sim.writeWords('q', words.q);
  const res = sim.runSync({ mode: 'fast' });
  return { y: sim.readWords('y', d.N * d.M), cycles: res.cycles };
}

const SWEEP: Array<[string, number, number, number]> = [
  ['tiny 1x1x1', 1, 1, 1], ['odd K, M not multiple of 4', 3, 5, 7], ['N = 1 (GEMV)', 1, 13, 9],
  ['edge blocks', 7, 30, 37], ['long K (k-chunk loop)', 2, 1030, 6],
];

describe('qdense int8 bit-exact with the bwdnn fixed-point reference', () => {
  for (const [name, N, K, M] of SWEEP) {
    it(name, () => {
      const d = data(N, K, M, N * 131 + K * 7 + M);
      const ref = reference(d);
      expect(Array.from(run(d).y)).toEqual(Array.from(ref));
    });
  }
  it('saturation: full-range inputs clamp at -128 / 127 and match exactly', () => {
    const d = data(4, 64, 11, 5, true);
    const ref = reference(d);
    expect(ref.some((v) => v === 127) && ref.some((v) => v === -128)).toBe(true);
    expect(Array.from(run(d).y)).toEqual(Array.from(ref));
  });
  it('a wrong kernel is caught (shift row off by one)', () => {
    const d = data(3, 40, 8, 9);
    const k = qdense({ N: 3, K: 40, M: 8, bits: 8 }, T);
    const sim = new Simulator(assemble(k.asm, { limits: T }), T);
    const words = qdensePack(d);
    for (let m = 0; m < 8; m++) words.q[3 * (words.q.length / 6) + m]! += 1; // shift row
    sim.writeWords('x', words.x); sim.writeWords('w', words.w); sim.writeWords('q', words.q);
    sim.runSync({ mode: 'fast' });
    expect(Array.from(sim.readWords('y', 24))).not.toEqual(Array.from(reference(d)));
  });
  it('rejects int16 and out-of-range multipliers with a hint', () => {
    expect(() => qdense({ N: 1, K: 4, M: 4, bits: 16 }, T)).toThrow(BwvmError);
    const d = data(1, 4, 4, 3);
    d.mult = [quantizeMultiplier(0.5), ...d.mult.slice(1)];
    expect(() => qdensePack(d)).toThrow(/multiplier/);
  });
  it('measures simulated cycles against fp32 dense (16x256x256)', () => {
    const N = 16, K = 256, M = 256;
    const q = run(data(N, K, M, 77));
    const f = simulate(dense({ N, K, M }, T), T, { x: rand(N * K, 1), w: rand(M * K, 2), b: rand(M, 3) }).res.cycles;
    console.log(`qdense int8 ${N}x${K}x${M}: ${q.cycles} cycles, fp32 dense ${f} cycles, speedup ${(f / q.cycles).toFixed(2)}x`);
    expect(q.cycles).toBeGreaterThan(0);
  });
});
