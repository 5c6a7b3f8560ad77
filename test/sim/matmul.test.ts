// 4x4 matrix multiply C = A B across the 4 macros of bwdsp104x: macro j computes row j of C.
// B is loaded into registers broadcast to every macro; A's columns arrive with lane stride 5
// (rows padded to 5 words so the 4 lanes hit 4 different banks); C is stored with stride 5.
import { expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x'); // load 2, fmac 2, fadd 2; 8 banks; block = 131072 words

const fm = (k0: number, d0: number, a: number, b0: number): string =>
  [0, 1, 2, 3].map((c) => `xyzt fr${d0 + c} += fr${a} * fr${b0 + c}`).join(' || ');

const SRC = `
.data
A:  .space 20          // row j at A + 5j
.block 1
B:  .space 16          // row-major
.block 2
C:  .space 20          // row j at C + 5j
.text
main:
    u1 = B || v1 = B+1 || w0 = A
    xyzt r16 = [u1+=2,0] || xyzt r17 = [v1+=2,0] || xyzt r8 = [w0+=1,5]
    xyzt r18 = [u1+=2,0] || xyzt r19 = [v1+=2,0] || xyzt r9 = [w0+=1,5]
    xyzt r20 = [u1+=2,0] || xyzt r21 = [v1+=2,0] || xyzt r10 = [w0+=1,5]
    xyzt r22 = [u1+=2,0] || xyzt r23 = [v1+=2,0] || xyzt r11 = [w0+=1,5]
    xyzt r24 = [u1+=2,0] || xyzt r25 = [v1+=2,0]
    xyzt r26 = [u1+=2,0] || xyzt r27 = [v1+=2,0]
    xyzt r28 = [u1+=2,0] || xyzt r29 = [v1+=2,0]
    xyzt r30 = [u1+=2,0] || xyzt r31 = [v1+=2,0]
    ${fm(0, 0, 8, 16)} || ${fm(1, 4, 9, 20)} || u2 = C || v2 = C+1 || w2 = C+2
    ${fm(2, 0, 10, 24)} || ${fm(3, 4, 11, 28)} || u3 = C+3
    xyzt fr0 = fr0 + fr4 || xyzt fr1 = fr1 + fr5 || xyzt fr2 = fr2 + fr6 || xyzt fr3 = fr3 + fr7
    [u2+=0,5] = xyzt r0 || [v2+=0,5] = xyzt r1 || [w2+=0,5] = xyzt r2
    [u3+=0,5] = xyzt r3
    halt
`;

test('matrix multiply: C = A B, hand-derived cycles and bank conflict', () => {
  const A = [[1, 2, -1, 3], [0, -2, 4, 1], [2, 2, 2, 2], [-3, 1, 0, 5]];
  const B = [[1, 0, 2, -1], [3, 1, 0, 2], [-2, 4, 1, 0], [1, 1, -1, 3]];
  const sim = new Simulator(assemble(SRC, { limits: T }), T);
  const Apad = A.flatMap((row) => [...row, 0]);
  sim.setInput('A', Apad);
  sim.setInput('B', B.flat());
  const { cycles, profile } = sim.runSync();
  const C = sim.readOutput('C', 20);
  for (let j = 0; j < 4; j++) {
    for (let c = 0; c < 4; c++) expect(C[5 * j + c]).toBe(A[j]!.reduce((s, a, k) => s + a * B[k]![c]!, 0));
  }
  // L0..L8 @0..8 (loads; A, B and C live in different blocks, so no conflicts).
  // P1 @9: 8 fmac per macro (all 8 MULs + 8 ALUs), operands loaded by @8 -> ready.
  // P2: needs fr0..fr3 from P1 ready @11 -> 1 stall, issues @11.
  // P3 (4 fadd): needs fr4..fr7 from P2 ready @13 -> 1 stall, issues @13.
  // S1: needs fr0..fr2 ready @15 -> 1 stall, issues @15; its 12 stored words C + c + 5j
  //     (c = 0..2, j = 0..3; C at 262144 = bank 0) fall in banks 0,5,2,7,1,6,3,0,2,7,4,1:
  //     banks 0, 1, 2, 7 hold two different addresses -> 1 extra cycle -> ends @16.
  // S2 @17 (lanes stride 5: banks 0,5,2,7, no conflict), halt @18 -> 19 cycles.
  expect(cycles).toBe(19);
  expect(profile.stalls).toEqual({ dependency: 3, bank: 1, dma: 0, branch: 0 });
  expect(profile.bankConflicts).toBe(1);
  expect(profile.flops).toBe(2 * 8 * 4 * 2 + 4 * 4);
  expect(profile.utilization.MUL).toBeCloseTo((2 * 8 * 4) / (8 * 4 * 19), 12);
  expect(profile.utilization.ALU).toBeCloseTo((2 * 8 * 4 + 4 * 4) / (8 * 4 * 19), 12);
});
