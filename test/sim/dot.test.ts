// Dot product of two 64-element fp32 vectors on bwdsp104x: each macro accumulates every 4th
// product, a cross-macro reduction sums the 4 partial sums. Cycle count derived by hand below.
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x'); // latencies used below: load 2, fmac 2, reduce 2; 8 banks per block

const src = (sameBlock: boolean): string => `
.data
a:  .space 64
${sameBlock ? '' : '.block 1'}
b:  .space 64
out: .space 1
.text
main:
    u0 = a || v0 = b || w0 = out || xyzt r0 = 0
    loop end, 16
    xyzt r1 = [u0+=4,1] || xyzt r2 = [v0+=4,1]
    xyzt fr0 += fr1 * fr2
end:
    xyzt fr3 = sum fr0
    [w0+=0,0] = xr3
    halt
`;

const a = Array.from({ length: 64 }, (_, i) => (i % 7) - 3);
const b = Array.from({ length: 64 }, (_, i) => (i % 5) - 2);
const expected = a.reduce((s, x, i) => s + x * b[i]!, 0); // small integers: exact in fp32

describe('dot product', () => {
  test('result and hand-derived cycles (a and b in different memory blocks)', async () => {
    const sim = new Simulator(assemble(src(false), { limits: T }), T);
    sim.setInput('a', a);
    sim.setInput('b', b);
    const { cycles, profile } = await sim.run();
    expect(sim.readOutput('out', 1)[0]).toBe(expected);
    // line 0 @0, loop @1. Iteration i: loads @a_i, fmac waits for the load latency (2): @a_i+2
    // (1 dependency stall), next loads @a_i+3 -> 3 cycles per iteration, a_0 = 2.
    // Last fmac @2+15*3+2 = 49. sum needs fr0 ready @49+2 = 51 (issue 50 -> 1 stall), store needs
    // fr3 ready @51+2 = 53 (1 stall), halt @54 -> 55 cycles.
    expect(cycles).toBe(55);
    expect(profile.stalls).toEqual({ dependency: 18, bank: 0, dma: 0, branch: 0 });
    expect(profile.lines).toBe(2 + 16 * 2 + 3);
    // FLOPs: 16 x fmac on 4 lanes x 2 + 3 for the 4-way sum
    expect(profile.flops).toBe(16 * 4 * 2 + 3);
    expect(profile.efficiency).toBeCloseTo(131 / (64 * 55), 12);
    // MUL: 16 lines x 4 macros busy of 8 MULs x 4 macros x 55 cycles
    expect(profile.utilization.MUL).toBeCloseTo((16 * 4) / (8 * 4 * 55), 12);
    // ALU: movi on 4 macros + fmac also takes an ALU on bwdsp104x
    expect(profile.utilization.ALU).toBeCloseTo((4 + 16 * 4) / (8 * 4 * 55), 12);
    expect(profile.utilization.SPU).toBeCloseTo(4 / (1 * 4 * 55), 12);
    expect(profile.memory.chip).toEqual({ read: 16 * 8, written: 1 });
  });

  test('a and b in the same block: every load line has a bank conflict', () => {
    const sim = new Simulator(assemble(src(true), { limits: T }), T);
    sim.setInput('a', a);
    sim.setInput('b', b);
    const { cycles, profile } = sim.runSync({ mode: 'traced', sampleEvery: 10 });
    expect(sim.readOutput('out', 1)[0]).toBe(expected);
    // a[4i+j] and b[4i+j] = a + 64 + 4i + j share bank (4i+j) mod 8: +1 cycle per load line,
    // which also delays the fmac by one more cycle: 4 cycles per iteration -> 55 + 16 = 71.
    expect(cycles).toBe(71);
    expect(profile.stalls.bank).toBe(16);
    expect(profile.bankConflicts).toBe(16);
    expect(profile.timeline!.samples.reduce((s, x) => s + x.cycles, 0)).toBe(71);
    expect(profile.timeline!.samples.reduce((s, x) => s + x.flops, 0)).toBe(131);
  });

  test('the same program on bwdsp100 (latencies load 3, fmac 3, reduce 3; MAC does not take an ALU)', () => {
    const T100 = getTarget('bwdsp100');
    const sim = new Simulator(assemble(src(false), { limits: T100 }), T100);
    sim.setInput('a', a);
    sim.setInput('b', b);
    const { cycles, profile } = sim.runSync();
    expect(sim.readOutput('out', 1)[0]).toBe(expected);
    // iteration: loads @a_i, fmac @a_i+3 (2 stalls), next loads @a_i+4; a_0 = 2 -> last fmac
    // @2+15*4+3 = 65; sum needs fr0 @68 (2 stalls), store needs fr3 @71 (2 stalls), halt @72 -> 73.
    expect(cycles).toBe(73);
    expect(profile.stalls.dependency).toBe(16 * 2 + 2 + 2);
    expect(profile.utilization.MUL).toBeCloseTo((16 * 4) / (4 * 4 * 73), 12);
    expect(profile.utilization.ALU).toBeCloseTo(4 / (8 * 4 * 73), 12);
    expect(profile.efficiency).toBeCloseTo(131 / (32 * 73), 12);
  });
});
