// Semantics of individual instructions, run through the real assembler and simulator:
// integer/shift/compare/convert ops, fp ops, cross-macro transfer and reduction, branches,
// nested zero-overhead loops, address registers, VLIW read-before-write within a line.
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x');
function run(src: string): Simulator {
  const sim = new Simulator(assemble(src, { limits: T }), T);
  sim.runSync({ maxCycles: 100_000 });
  return sim;
}

describe('instruction semantics', () => {
  test('integer ALU, shifts, compares', () => {
    const s = run(`
      xr1 = 100 || xr2 = -7 || yr1 = 3
      xr3 = r1 + r2 || xr4 = r1 - r2 || xr5 = r1 & r2 || xr6 = r1 | r2 || xr7 = r1 ^ r2 || xr8 = r1 * r2
      xr9 = r2 >> 1 || xr10 = r2 >>> 28 || xr11 = r1 << 3 || xr12 = r1 < r2 || xr13 = r2 <= r1 || xr14 = r1 == r1
      xr15 = r1 + -5 || xr16 = r2 << r1 || yr2 = r1 >> r1
      halt`);
    expect([3, 4, 5, 6, 7, 8].map((r) => s.reg(0, r))).toEqual([93, 107, 100 & -7, 100 | -7, 100 ^ -7, -700]);
    expect([9, 10, 11, 12, 13, 14, 15].map((r) => s.reg(0, r))).toEqual([-4, 15, 800, 0, 1, 1, 95]);
    expect(s.reg(0, 16)).toBe(-7 << 100);
    expect(s.reg(1, 2)).toBe(0); // 3 >> 3
  });

  test('fp ops, conversions and special functions', () => {
    const s = run(`
      xr1 = 9 || xr2 = -2
      xfr3 = float r1 || xfr4 = float r2
      xfr5 = fr3 * fr4 || xfr6 = fr3 - fr4 || xfr7 = max(fr3, fr4) || xfr8 = min(fr3, fr4)
      xfr9 = sqrt fr3 || xfr12 = abs fr4 || xfr13 = neg fr3     // one special-function unit per macro
      xfr10 = recip fr4
      xfr11 = rsqrt fr3
      xr14 = int fr10 || xr15 = fr4 < fr3 || xr16 = fr4 == fr4 || xr17 = fr3 <= fr4
      xfr5 -= fr3 * fr3
      halt`);
    expect([5, 6, 7, 8, 9, 10, 11, 12, 13].map((r) => s.freg(0, r))).toEqual([-18 - 81, 11, 9, -2, 3, -0.5, Math.fround(1 / 3), 2, -9]);
    expect([14, 15, 16, 17].map((r) => s.reg(0, r))).toEqual([0, 1, 1, 0]);
  });

  test('cross-macro transfer and reductions', () => {
    const s = run(`
      xr1 = 1 || yr1 = 2 || zr1 = 3 || tr1 = 4
      yzt r2 = xr1 || xyzt r3 = sum r1
      xyzt fr4 = float r1
      xy fr5 = sum fr4
      halt`);
    expect([1, 2, 3].map((k) => s.reg(k, 2))).toEqual([1, 1, 1]);
    expect(s.reg(0, 2)).toBe(0);
    expect([0, 1, 2, 3].map((k) => s.reg(k, 3))).toEqual([10, 10, 10, 10]);
    expect([s.freg(0, 5), s.freg(1, 5), s.freg(2, 5)]).toEqual([10, 10, 0]);
  });

  test('slots of a line read before any writes (register swap)', () => {
    const s = run(`
      xr1 = 5 || xr2 = 6
      xr1 = r2 || xr2 = r1
      halt`);
    expect([s.reg(0, 1), s.reg(0, 2)]).toEqual([6, 5]);
  });

  test('branches, taken-branch penalty and nested zero-overhead loops', () => {
    const sim = new Simulator(assemble(`
      main:
        xr1 = 0 || xr2 = 5 || xr3 = 0
      again:
        xr1 = r1 + 1
        if xr1 < r2 b again
        loop outer, 3
        loop inner, 4
        xr3 = r3 + 1
      inner:
        nop
      outer:
        halt`, { limits: T }), T);
    const { cycles, profile } = sim.runSync();
    expect(sim.reg(0, 1)).toBe(5);
    expect(sim.reg(0, 3)).toBe(12);
    // 1 + 5 x (add + branch) + 4 taken branches x penalty 4 + 3 x (inner loop line + 4 body + nop) + halt
    expect(profile.stalls.branch).toBe(4 * T.branchPenalty);
    expect(cycles).toBe(1 + 10 + 16 + 3 * (1 + 4 + 1) + 1 + 1);
  });

  test('loop with count from a register, zero count skips the body', () => {
    const s = run(`
      xr1 = 7 || xr2 = 0 || xr5 = 0
      loop e1, xr1
      xr2 = r2 + 3
    e1:
      loop e2, xr5
      xr2 = r2 + 100
    e2:
      halt`);
    expect(s.reg(0, 2)).toBe(21);
  });

  test('address registers: set, add, from/to macro registers; broadcast and strided loads', () => {
    const sim = new Simulator(assemble(`
      .data
      v: .word 10, 11, 12, 13, 14, 15, 16, 17
      .text
        u3 = v || xr9 = 2
        u3 += 2 || w1 = xr9
        xyzt r1 = [u3+=-1,0] || yr7 = w1
        xy r2 = [u3+=0,2]
        halt`, { limits: T }), T);
    sim.runSync();
    expect([0, 1, 2, 3].map((k) => sim.reg(k, 1))).toEqual([12, 12, 12, 12]);
    expect([sim.reg(0, 2), sim.reg(1, 2)]).toEqual([11, 13]);
    expect(sim.agReg(0, 3)).toBe(1);
    expect(sim.agReg(2, 1)).toBe(2);
    expect(sim.reg(1, 7)).toBe(2);
  });
});
