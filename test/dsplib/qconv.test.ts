// qconv (int8 / int16 fixed-point conv2d) on the simulator, bit-exact against bwDNN's integer Conv
// (QKERNELS 'Conv' of src/bwdnn/quant): random data, odd H/W, channels not a multiple of the lane
// count, stride 2, padding with a non-zero input zero point, full-range (saturating) values, and a
// deliberately corrupted table that the comparison must catch; plus generator / packer errors.
import { describe, expect, it } from 'vitest';
import { qconv, type QConvShape } from '../../src/dsplib/qconv.js';
import { qconvPack, type QConvData, QROW, qconvTablePitch, requantModel, requantRow } from '../../src/dsplib/qconv-pack.js';
import { requantize } from '../../src/bwdnn/quant/fixed.js';
import { QKERNELS, quantizeMultiplier } from '../../src/bwdnn/quant/index.js';
import type { QBlock } from '../../src/dsplib/qconv-core.js';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { toSubroutine } from '../../src/dsplib/runtime/index.js';
import { getTarget } from '../../src/target/index.js';
import { BwvmError } from '../../src/util/errors.js';

const T = getTarget('bwdsp104x');

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function data(sh: QConvShape, seed: number, extreme = false): QConvData {
  const r = lcg(seed), half = sh.bits === 8 ? 128 : 32768;
  const val = (): number => (extreme ? (r() < 0.5 ? -half : half - 1) : Math.floor(r() * 2 * half) - half);
  const x = Array.from({ length: sh.C * sh.H * sh.W }, val), w = Array.from({ length: sh.M * sh.C * sh.kH * sh.kW }, val);
  const bias = Array.from({ length: sh.M }, () => Math.floor((r() - 0.5) * 2 ** 20));
  // real multipliers over the kernel's whole range; small ones keep most outputs unsaturated
  const lo = sh.bits === 8 ? -20 : -30;
  const mult = Array.from({ length: sh.M }, () => quantizeMultiplier(2 ** (lo + (-2.01 - lo) * r())));
  const zp = sh.bits === 8 ? 40 : 3000;
  return { x, w, bias, mult, zx: Math.floor(r() * zp) - zp / 2, zy: Math.floor(r() * zp) - zp / 2 };
}

function reference(sh: QConvShape, d: QConvData): Int32Array {
  const dt = sh.bits === 8 ? 'int8' as const : 'int16' as const;
  const q = (zp: number) => ({ dtype: dt, quant: { scale: [1], zeroPoint: [zp] } });
  const conv = QKERNELS.get('Conv')!;
  return conv([{ shape: [1, sh.C, sh.H, sh.W], data: Int32Array.from(d.x) }], {
    node: { name: 'qconv', op: 'Conv', inputs: ['x'], output: 'y', from: [], requant: [...d.mult],
      attrs: { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad] },
      weight: { dtype: 'int32', shape: [sh.M, sh.C, sh.kH, sh.kW], data: Int32Array.from(d.w) }, bias: { dtype: 'int32', shape: [sh.M], data: Int32Array.from(d.bias!) } },
    inputs: [q(d.zx)], output: q(d.zy),
  }).data as Int32Array;
}

/** Code that leaves every macro register holding large garbage (as after another kernel ran): the
 *  packed int8 input words, loaded before the kernel starts. */
const DIRTY = ['    u0 = x+0', ...Array.from({ length: 64 }, (_, r) => `    xyzt r${r} = [u0+=1,0]`)].join('\n');

function run(sh: QConvShape, d: QConvData, corrupt?: (q: Int32Array) => void, block?: QBlock, zeroInit?: boolean, dirty = false): { y: Int32Array; cycles: number } {
  const k = qconv(sh, T, { ...(block ? { block } : {}), ...(zeroInit !== undefined ? { zeroInit } : {}) });
  if (dirty) k.asm = k.asm.replace('main:\n', `main:\n${DIRTY}\n`);
  const p = k.params as Record<string, number>;
  const words = qconvPack(d, { ...sh, Hpp: p.Hpp!, Wpp: p.Wpp!, Kp: p.Kp! });
  corrupt?.(words.q);
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  sim.writeWords('x', words.x); sim.writeWords('w', words.w); sim.writeWords('q', words.q);
  const res = sim.runSync({ mode: 'fast' });
  return { y: sim.readWords('y', k.outputs[0]!.shape.reduce((a, b) => a * b, 1)), cycles: res.cycles };
}

const S = (C: number, H: number, W: number, M: number, k: number, stride: number, pad: number, bits: 8 | 16): QConvShape => ({ C, H, W, M, kH: k, kW: k, stride, pad, bits });
const SWEEP: Array<[string, QConvShape]> = [
  ['int8 3x3 pad 1', S(8, 8, 8, 8, 3, 1, 1, 8)],
  ['int8 odd H/W, C and M not multiples of 4', S(5, 7, 9, 6, 3, 1, 1, 8)],
  ['int8 stride 2 pad 1, odd input', S(6, 9, 11, 5, 3, 2, 1, 8)],
  ['int8 1x1 no pad', S(7, 5, 6, 3, 1, 1, 0, 8)],
  ['int8 5x3 window, pad 2', { C: 4, H: 8, W: 7, M: 4, kH: 5, kW: 3, stride: 1, pad: 2, bits: 8 }],
  ['int8 deep channels (channel-word loop)', S(96, 6, 6, 4, 3, 1, 1, 8)],
  ['int16 3x3 pad 1', S(6, 8, 8, 8, 3, 1, 1, 16)],
  ['int16 odd C, stride 2', S(5, 9, 7, 6, 3, 2, 1, 16)],
  ['int16 1x1, odd H/W', S(3, 5, 7, 5, 1, 1, 0, 16)],
];

describe('qconv bit-exact with the bwdnn fixed-point Conv', () => {
  for (const [name, sh] of SWEEP) {
    it(name, () => {
      const d = data(sh, sh.C * 131 + sh.H * 7 + sh.M + sh.bits);
      const ref = reference(sh, d);
      expect(Array.from(run(sh, d).y)).toEqual(Array.from(ref));
    });
  }

  it('full-range values saturate exactly like the reference (int8 and int16)', () => {
    for (const sh of [S(6, 6, 6, 5, 3, 1, 1, 8), S(4, 6, 5, 3, 3, 1, 1, 16)]) {
      const d = data(sh, 99 + sh.bits, true);
      const ref = reference(sh, d);
      const lo = sh.bits === 8 ? -128 : -32768;
      expect(ref.some((v) => v === lo || v === -lo - 1)).toBe(true); // the case really saturates
      expect(Array.from(run(sh, d).y)).toEqual(Array.from(ref));
    }
  });

  // more channels per block than broadcast registers (Q > 8: xfers interleave with the MACs)
  for (const [block, bits] of [[{ R: 1, P: 1, Q: 10 }, 8], [{ R: 1, P: 1, Q: 16 }, 16], [{ R: 2, P: 1, Q: 10 }, 8]] as Array<[QBlock, 8 | 16]>) {
    it(`forced block (${block.R},${block.P},${block.Q}) int${bits}`, () => {
      const sh = S(6, 6, 7, 17, 3, 1, 1, bits), d = data(sh, 11 + block.Q);
      expect(Array.from(run(sh, d, undefined, block).y)).toEqual(Array.from(reference(sh, d)));
    });
  }

  // blocks the generator now prefers on deep layers (whole MAC lines per tap): odd channel counts
  // (a partial last channel word, a rest group of 1 output channel), one block row (trip count 1),
  // int16 bias loads over several streams, and saturating full-range values
  for (const [sh, block, extreme] of [
    [S(9, 4, 8, 17, 3, 1, 1, 8), { R: 4, P: 1, Q: 4 }, false], [S(9, 2, 8, 17, 3, 1, 1, 8), { R: 2, P: 1, Q: 8 }, false],
    [S(5, 4, 8, 9, 3, 1, 1, 16), { R: 4, P: 1, Q: 4 }, false], [S(3, 2, 7, 9, 3, 1, 1, 16), { R: 2, P: 1, Q: 8 }, true],
    [S(7, 3, 8, 9, 3, 1, 1, 8), { R: 1, P: 2, Q: 8 }, true],
  ] as Array<[QConvShape, QBlock, boolean]>) {
    it(`forced block (${block.R},${block.P},${block.Q}) int${sh.bits} C=${sh.C} M=${sh.M} ${sh.H}x${sh.W}${extreme ? ' full range' : ''}`, () => {
      const d = data(sh, 41 + sh.C + block.Q, extreme), ref = Array.from(reference(sh, d));
      expect(Array.from(run(sh, d, undefined, block).y)).toEqual(ref);
    });
  }

  it('keeps w14 (the calling convention\'s argument register) free when a block needs many address registers', () => {
    // these blocks use 14 w registers (w0..w13): before, the generator went on to w14
    for (const [sh, block, zeroInit] of [[S(6, 8, 8, 17, 3, 1, 1, 8), { R: 3, P: 1, Q: 6 }, true], [S(6, 8, 8, 17, 3, 1, 1, 8), { R: 4, P: 1, Q: 5 }, false],
      [S(6, 8, 8, 17, 3, 1, 1, 16), { R: 4, P: 1, Q: 5 }, undefined]] as Array<[QConvShape, QBlock, boolean | undefined]>) {
      const k = qconv(sh, T, { block, ...(zeroInit !== undefined ? { zeroInit } : {}) });
      expect(k.asm).toMatch(/\bw13\b/);
      expect(k.asm).not.toMatch(/\bw14\b/);
      expect(() => toSubroutine(k, 'qc', T)).not.toThrow();
      const d = data(sh, 5 + block.Q);
      expect(Array.from(run(sh, d, undefined, block, zeroInit).y)).toEqual(Array.from(reference(sh, d)));
    }
  });

  it('int8: both bias placements (per-block bias loads; zero start + bias in the requantization)', () => {
    const sh = S(9, 7, 8, 6, 3, 1, 1, 8), d = data(sh, 23), ref = Array.from(reference(sh, d));
    for (const zeroInit of [false, true]) {
      expect(qconv(sh, T, { zeroInit }).params.zeroInit).toBe(zeroInit ? 1 : 0);
      expect(Array.from(run(sh, d, undefined, undefined, zeroInit).y), `zeroInit ${zeroInit}`).toEqual(ref);
    }
    const ext = data(sh, 29, true), refExt = Array.from(reference(sh, ext));
    for (const zeroInit of [false, true]) expect(Array.from(run(sh, ext, undefined, undefined, zeroInit).y)).toEqual(refExt);
  });

  it('registers left dirty by an earlier kernel do not change the result (int8 both bias placements, int16)', () => {
    for (const [sh, zeroInit] of [[S(9, 7, 8, 6, 3, 1, 1, 8), true], [S(9, 7, 8, 6, 3, 1, 1, 8), false], [S(6, 8, 8, 8, 3, 1, 1, 16), undefined]] as Array<[QConvShape, boolean | undefined]>) {
      const d = data(sh, 31), ref = Array.from(reference(sh, d));
      expect(Array.from(run(sh, d, undefined, undefined, zeroInit, true).y), `int${sh.bits} zeroInit ${zeroInit}`).toEqual(ref);
    }
  });

  it('a corrupted requantization table is caught', () => {
    const sh = S(4, 6, 6, 4, 3, 1, 1, 8), d = data(sh, 7);
    const ref = Array.from(reference(sh, d));
    const Mp = qconvTablePitch(sh.M);
    const bad = run(sh, d, (q) => { for (let m = 0; m < sh.M; m++) q[QROW.ZY * Mp + m]! += 1; }).y; // output zero point off by one
    expect(Array.from(bad)).not.toEqual(ref);
    const badBias = run(sh, d, (q) => { for (let m = 0; m < sh.M; m++) q[QROW.BIAS * Mp + 2 * m]! += 1 << 16; }).y;
    expect(Array.from(badBias)).not.toEqual(ref);
  });
});

describe('qconv requantization arithmetic (the 16-bit-limb model the requant pass runs)', () => {
  it('equals requantize over random and boundary accumulators, n = 33..63, both widths', () => {
    const r = lcg(5);
    let checked = 0;
    for (const bits of [8, 16] as const) {
      const lim = bits === 8 ? 2 ** 31 - 2 ** 15 - 1 : 2 ** 46 - 1, [lo, hi] = bits === 8 ? [-128, 127] : [-32768, 32767];
      for (let i = 0; i < 4000; i++) {
        const m = quantizeMultiplier(2 ** (-31 + 29 * r()));
        if (m.shift < 33 || m.shift > 63 || m.m0 >= 2 ** 31 - 2 ** 15) continue;
        const row = requantRow(m.m0, m.shift, 7, bits);
        const special = [0, 1, -1, lim, -lim, 2 ** 15, -(2 ** 15), 2 ** 31 - 2 ** 15 - 1];
        for (const v of [...special.filter((x) => Math.abs(x) <= lim), Math.floor((r() * 2 - 1) * lim * r() ** 6)]) {
          expect(requantModel(v, row, bits), `v=${v} m0=${m.m0} n=${m.shift}`).toBe(requantize(v, m, 7, lo, hi));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10000);
  });
});

describe('qconv errors', () => {
  it('rejects unsupported shapes and blocks', () => {
    expect(() => qconv({ ...S(4, 6, 6, 4, 3, 3, 1, 8) }, T)).toThrow(/stride 3/);
    expect(() => qconv({ ...S(4, 6, 6, 4, 3, 1, 1, 8), bits: 4 as 8 }, T)).toThrow(BwvmError);
    expect(() => qconv(S(4, 6, 6, 4, 3, 1, 1, 8), T, { block: { R: 4, P: 2, Q: 4 } })).toThrow(/registers/);
    expect(() => qconv(S(4, 6, 6, 4, 3, 1, 1, 8), T, { block: { R: 1, P: 1, Q: 5 } })).toThrow(/Q=5 outside 1\.\.4/);
    expect(() => qconv(S(4, 6, 6, 4, 3, 1, 1, 8), T, { block: { R: 1, P: 3, Q: 1 } })).toThrow(/P=3 outside 1\.\.2/);
    expect(() => qconv(S(4, 6, 6, 4, 3, 1, 1, 8), T, { block: { R: 0, P: 1, Q: 1 } })).toThrow(BwvmError);
  });
  it('rejects multipliers outside the kernel range', () => {
    const sh = S(4, 6, 6, 4, 3, 1, 1, 8), d = data(sh, 3);
    const L = { ...sh, Hpp: 8, Wpp: 8, Kp: 9 };
    expect(() => qconvPack({ ...d, mult: d.mult.map(() => quantizeMultiplier(0.5)) }, L)).toThrow(/n in 33\.\.63/);
  });
});
