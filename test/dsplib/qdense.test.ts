// qdense (int8 fixed-point dense) on the simulator, bit-exact against bwDNN's fixed-point reference
// (requantize of src/bwdnn/quant/fixed.ts, accumulation as in kernels-mac.ts qgemm): random data,
// full-range / saturating values, odd K, M not a multiple of 4, long K, and generator errors; int16
// (limb-split cross-macro reduction) against bwDNN's integer Gemm (QKERNELS) the same way.
import { describe, expect, it } from 'vitest';
import { qdense } from '../../src/dsplib/qdense.js';
import { qdensePack, type QDenseData } from '../../src/dsplib/qdense-pack.js';
import { dense } from '../../src/dsplib/index.js';
import { quantizeMultiplier, requantize } from '../../src/bwdnn/quant/fixed.js';
import { QKERNELS } from '../../src/bwdnn/quant/index.js';
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

/** Code that leaves every macro register holding large garbage (as after another kernel ran). */
const DIRTY = ['    u0 = x+0', ...Array.from({ length: 64 }, (_, r) => `    xyzt r${r} = [u0+=1,0]`)].join('\n');

function run(d: QDenseData, block?: { R: number; Q: number }, dirty = false): { y: Int32Array; cycles: number } {
  const k = qdense({ N: d.N, K: d.K, M: d.M, bits: d.bits ?? 8 }, T, block ? { block } : {});
  if (dirty) k.asm = k.asm.replace('main:\n', `main:\n${DIRTY}\n`);
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
  it('registers left dirty by an earlier kernel do not change the result', () => {
    const d = data(7, 30, 37, 99);
    expect(Array.from(run(d, undefined, true).y)).toEqual(Array.from(reference(d)));
  });
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
  it('rejects other widths and out-of-range multipliers with a hint', () => {
    expect(() => qdense({ N: 1, K: 4, M: 4, bits: 4 as 8 }, T)).toThrow(BwvmError);
    const d = data(1, 4, 4, 3);
    d.mult = [quantizeMultiplier(0.5), ...d.mult.slice(1)];
    expect(() => qdensePack(d)).toThrow(/multiplier/);
  });
  it('measures simulated cycles against fp32 dense (16x256x256)', () => {
    const N = 16, K = 256, M = 256;
    const q = run(data(N, K, M, 77));
    const f = simulate(dense({ N, K, M }, T), T, { x: rand(N * K, 1), w: rand(M * K, 2), b: rand(M, 3) }).res.cycles;
    const q16 = run(data16(N, K, M, 78));
    console.log(`qdense int8 ${N}x${K}x${M}: ${q.cycles} cycles, int16 ${q16.cycles}, fp32 dense ${f} cycles, speedup int8 ${(f / q.cycles).toFixed(2)}x, int16 ${(f / q16.cycles).toFixed(2)}x`);
    expect(q.cycles).toBeGreaterThan(0);
    expect(q16.cycles).toBeGreaterThan(0);
  });
});

/** int16 data: full-range values (or only the extremes), int32 bias, multipliers 2^-30 .. just under 1/4. */
function data16(N: number, K: number, M: number, seed: number, extreme = false): QDenseData {
  const r = lcg(seed), i16 = (): number => (extreme ? (r() < 0.5 ? -32768 : 32767) : Math.floor(r() * 65536) - 32768);
  const x = Array.from({ length: N * K }, i16), w = Array.from({ length: M * K }, i16);
  const bias = Array.from({ length: M }, () => Math.floor((r() - 0.5) * 2 ** 31));
  const mult = Array.from({ length: M }, () => quantizeMultiplier(2 ** (-30 + 27.99 * r())));
  return { N, K, M, bits: 16, x, w, bias, mult, zx: Math.floor(r() * 6000) - 3000, zy: Math.floor(r() * 6000) - 3000 };
}

/** bwDNN's integer Gemm (int16 activations, int64-exact accumulation). */
function reference16(d: QDenseData): Int32Array {
  const q = (zp: number) => ({ dtype: 'int16' as const, quant: { scale: [1], zeroPoint: [zp] } });
  return QKERNELS.get('Gemm')!([{ shape: [d.N, d.K], data: Int32Array.from(d.x) }], {
    node: { name: 'qdense', op: 'Gemm', inputs: ['x'], output: 'y', attrs: {}, from: [], requant: [...d.mult],
      weight: { dtype: 'int32', shape: [d.M, d.K], data: Int32Array.from(d.w) }, bias: { dtype: 'int32', shape: [d.M], data: Int32Array.from(d.bias!) } },
    inputs: [q(d.zx)], output: q(d.zy),
  }).data as Int32Array;
}

const SWEEP16: Array<[string, number, number, number]> = [
  ['tiny 1x1x1', 1, 1, 1], ['odd K, M not multiple of 4', 3, 5, 7], ['N = 1 (GEMV), odd K', 1, 13, 9],
  ['edge blocks', 5, 30, 13], ['long K (k-chunk loop)', 2, 515, 6],
];

describe('qdense int16 bit-exact with the bwdnn fixed-point Gemm', () => {
  it('registers left dirty by an earlier kernel do not change the result', () => {
    const d = data16(5, 30, 13, 77);
    expect(Array.from(run(d, undefined, true).y)).toEqual(Array.from(reference16(d)));
  });
  for (const [name, N, K, M] of SWEEP16) {
    it(name, () => {
      const d = data16(N, K, M, N * 17 + K * 3 + M);
      expect(Array.from(run(d).y)).toEqual(Array.from(reference16(d)));
    });
  }
  it('accumulators beyond int32 (full-range values, long K) and saturation at -32768 / 32767', () => {
    const d = data16(3, 200, 9, 21, true);
    let big = false;
    for (let m = 0; m < d.M && !big; m++) for (let n = 0; n < d.N; n++) {
      let acc = 0;
      for (let k = 0; k < d.K; k++) acc += (d.x[n * d.K + k]! - d.zx) * d.w[m * d.K + k]!;
      if (Math.abs(acc) > 2 ** 33) { big = true; break; }
    }
    expect(big).toBe(true); // the case really leaves int32
    const ref = reference16(d);
    expect(ref.some((v) => v === 32767) && ref.some((v) => v === -32768)).toBe(true);
    expect(Array.from(run(d).y)).toEqual(Array.from(ref));
  });
  it('forced blocks, and a corrupted bias limb is caught', () => {
    const d = data16(4, 21, 10, 5);
    const ref = Array.from(reference16(d));
    expect(Array.from(run(d, { R: 1, Q: 4 }).y)).toEqual(ref);
    expect(Array.from(run(d, { R: 2, Q: 3 }).y)).toEqual(ref);
    expect(() => qdense({ N: 4, K: 21, M: 10, bits: 16 }, T, { block: { R: 3, Q: 3 } })).toThrow(/registers/);
    const k = qdense({ N: 4, K: 21, M: 10, bits: 16 }, T);
    const words = qdensePack(d), Mp = words.q.length / 11;
    for (let m = 0; m < 10; m++) words.q[10 * Mp + m]! += 1; // bias high part off by 2^16
    const sim = new Simulator(assemble(k.asm, { limits: T }), T);
    sim.writeWords('x', words.x); sim.writeWords('w', words.w); sim.writeWords('q', words.q);
    sim.runSync({ mode: 'fast' });
    expect(Array.from(sim.readWords('y', 40))).not.toEqual(ref);
  });
  it('rejects accumulators beyond 2^46', () => {
    const d = data16(1, 4, 1, 3), K = 2 ** 16 + 1;
    expect(() => qdensePack({ ...d, K, bias: [0], w: new Int32Array(K).fill(-32768), x: new Int32Array(K) })).toThrow(/2\^46/);
  });
});
