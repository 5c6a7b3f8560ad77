// FIR filter y[n] = sum_k h[k] x[n+k] (4 taps, 16 outputs) on bwdsp104x: the 4 macros compute 4
// consecutive outputs (sliding-window loads with lane stride 1, coefficients broadcast).
import { expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x'); // load 2, fmac 2, fadd 2, alu 1

const SRC = `
.data
x:  .space 20
.block 1                // coefficients in another block: no bank conflicts with x
h:  .space 4
.block 2
y:  .space 16
.text
main:
    u0 = x || v0 = h || w0 = y                                         // L0
    loop oend, 4                                                       // L1: 4 blocks of 4 outputs
    xyzt r0 = 0 || xyzt r9 = 0 || v0 = h                               // L2: two accumulators
    xyzt r1 = [u0+=1,1] || xyzt r2 = [v0+=1,0]                         // L3: x[n+j], h0
    xyzt r3 = [u0+=1,1] || xyzt r4 = [v0+=1,0]                         // L4: x[n+1+j], h1
    xyzt r5 = [u0+=1,1] || xyzt r6 = [v0+=1,0] || xyzt fr0 += fr1 * fr2   // L5
    xyzt r7 = [u0+=1,1] || xyzt r8 = [v0+=1,0] || xyzt fr9 += fr3 * fr4   // L6
    xyzt fr0 += fr5 * fr6                                              // L7
    xyzt fr9 += fr7 * fr8                                              // L8
    xyzt fr10 = fr0 + fr9                                              // L9
    [w0+=4,1] = xyzt r10                                               // L10
oend:
    halt
`;

test('FIR: outputs and hand-derived cycles', () => {
  const x = Array.from({ length: 19 }, (_, i) => ((i * 3) % 11) - 5);
  const h = [1, -2, 3, 2];
  const sim = new Simulator(assemble(SRC, { limits: T }), T);
  sim.setInput('x', x);
  sim.setInput('h', h);
  const { cycles, profile } = sim.runSync();
  const want = Array.from({ length: 16 }, (_, n) => h.reduce((s, c, k) => s + c * x[n + k]!, 0));
  expect(Array.from(sim.readOutput('y', 16))).toEqual(want);
  // First block: L0@0 L1@1 L2@2 L3@3 L4@4 L5@5 (loads of L3 ready @5) L6@6 L7@7 (fr0 from L5
  // ready @7) L8@8; L9 needs fr9 from L8 ready @10 -> issues @10 (1 stall); L10 needs fr10
  // ready @12 -> issues @12 (1 stall). A block = 9 lines + 2 stalls = 11 cycles; nothing in the
  // next block waits on this one, so blocks start @2, 13, 24, 35; halt @46 -> 47 cycles.
  expect(cycles).toBe(47);
  expect(profile.stalls).toEqual({ dependency: 8, bank: 0, dma: 0, branch: 0 });
  // 4 fmac x 4 lanes x 2 + 4 fadd per block
  expect(profile.flops).toBe(4 * 36);
  expect(profile.memory.chip.read).toBe(4 * (4 * 4 + 4)); // 4 window loads of 4 words + 4 broadcasts per block
  expect(profile.memory.chip.written).toBe(16);
});
