// Fixed-point instructions: dual int16 and quad int8 MAC into 64-bit accumulator pairs, rounding
// shift back to int32, saturation, saturating add/sub, 16-bit packing.
import { expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x');
const pack16 = (lo: number, hi: number): number => (lo & 0xffff) | (hi << 16);
const pack8 = (b: number[]): number => b.reduce((w, x, i) => w | ((x & 0xff) << (8 * i)), 0);

test('int16 dual MAC dot product with a large accumulator, rounding shift and saturation', () => {
  // 16 int16 values per vector = 8 packed words; macro k handles words k and k+4
  const a = Array.from({ length: 16 }, (_, i) => 30000 - 3700 * i);
  const b = Array.from({ length: 16 }, (_, i) => (i % 2 ? -32768 + i : 32767 - i));
  const wa = Int32Array.from({ length: 8 }, (_, i) => pack16(a[2 * i]!, a[2 * i + 1]!));
  const wb = Int32Array.from({ length: 8 }, (_, i) => pack16(b[2 * i]!, b[2 * i + 1]!));
  const sim = new Simulator(assemble(`
    .data
    va: .space 8
    vb: .space 8
    out: .space 12
    .text
      u0 = va || v0 = vb || w0 = out
      xyzt r1 = [u0+=4,1] || xyzt r2 = [v0+=4,1]
      xyzt r3 = [u0+=4,1] || xyzt r4 = [v0+=4,1]
      xyzt r10:p += mac16 r1, r2
      xyzt r10:p += mac16 r3, r4
      [w0+=4,1] = xyzt r10 || xyzt r20 = rnd r10:p >> 4
      [w0+=4,1] = xyzt r11 || xyzt r21 = sat16 r20
      [w0+=4,1] = xyzt r21
      halt`, { limits: T }), T);
  sim.setInput('va', wa);
  sim.setInput('vb', wb);
  sim.runSync();
  const out = sim.readInt32('out');
  for (let k = 0; k < 4; k++) {
    let acc = 0;
    for (const w of [k, k + 4]) acc += a[2 * w]! * b[2 * w]! + a[2 * w + 1]! * b[2 * w + 1]!;
    const lo = Number(BigInt.asIntN(32, BigInt(acc)));
    const hi = Number(BigInt(acc) >> 32n);
    expect([out[k], out[4 + k]], `macro ${k}`).toEqual([lo, hi]);
    expect(sim.reg(k, 20)).toBe(Math.max(-2147483648, Math.min(2147483647, Math.floor((acc + 8) / 16))));
    expect(out[8 + k]).toBe(Math.max(-32768, Math.min(32767, sim.reg(k, 20))));
  }
});

test('int8 quad MAC, saturating add/sub, pack16', () => {
  const sim = new Simulator(assemble(`
    .data
    w: .space 4
    .text
      u0 = w
      xr1 = [u0+=1,0]
      xr2 = [u0+=1,0]
      xr3 = [u0+=1,0]
      xr4 = [u0+=1,0]
      xr10:p += mac8 r1, r2 || xr5 = adds(r3, r3) || xr6 = subs(r4, r3) || xr7 = pack16 r4, r3
      halt`, { limits: T }), T);
  sim.setInput('w', Int32Array.from([pack8([1, -2, 127, -128]), pack8([-128, 127, -3, 1]), 2000000000, -2000000000]));
  sim.runSync();
  expect(sim.reg(0, 10)).toBe(1 * -128 + -2 * 127 + 127 * -3 + -128 * 1);
  expect(sim.reg(0, 11)).toBe(-1); // negative accumulator: high word all ones
  expect(sim.reg(0, 5)).toBe(2147483647);
  expect(sim.reg(0, 6)).toBe(-2147483648);
  expect(sim.reg(0, 7)).toBe(pack16(-2000000000 & 0xffff, 2000000000 & 0xffff) | 0);
});
