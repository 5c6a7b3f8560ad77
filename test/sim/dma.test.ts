// DMA ping-pong: 2 tiles of 64 words DDR -> on-chip, y = x + x per tile, results back to DDR.
// Tile 1's transfer overlaps tile 0's compute. Cycles derived by hand from bwdsp104x's figures.
import { expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x'); // DMA 16 bytes/cycle, latency 64; load 2, fadd 2

const body = (buf: string, obuf: string, end: string): string => `
    loop ${end}, 16
    xyzt r1 = [u0+=4,1]
    xyzt fr2 = fr1 + fr1
    [v0+=4,1] = xyzt r2
${end}:`;

const SRC = `
.ddr
src: .space 128
dst: .space 128
.data
buf0:  .space 64
buf1:  .space 64
obuf0: .space 64
obuf1: .space 64
.text
main:
    xr10 = src || xr11 = buf0 || xr12 = 64 || xr13 = 1 || xr14 = 0 || xr15 = 0
    xr20 = src+64 || xr21 = buf1 || xr22 = 64 || xr23 = 1 || xr24 = 0 || xr25 = 0
    dma0 in xr10 || xr30 = obuf0 || xr31 = dst || xr32 = 64 || xr33 = 1 || xr34 = 0 || xr35 = 0
    dma1 in xr20 || u0 = buf0 || v0 = obuf0 || xr40 = obuf1 || xr41 = dst+64 || xr42 = 64 || xr43 = 1 || xr44 = 0 || xr45 = 0
    dma0 wait
${body('buf0', 'obuf0', 'e0')}
    dma2 out xr30 || u0 = buf1 || v0 = obuf1
    dma1 wait
${body('buf1', 'obuf1', 'e1')}
    dma3 out xr40
    halt
`;

test('DMA ping-pong overlaps transfer and compute; hand-derived cycles', async () => {
  const sim = new Simulator(assemble(SRC, { limits: T }), T);
  const x = Array.from({ length: 128 }, (_, i) => i * 0.5 - 7);
  sim.setInput('src', x);
  const { cycles, profile } = await sim.run({ maxCycles: 10_000 });
  expect(Array.from(sim.readOutput('dst', 128))).toEqual(x.map((v) => v + v));
  // A 64-word transfer = 256 bytes / 16 = 16 engine cycles, done 64 cycles later.
  // dma0 starts @2: engine 2..18, done @82. dma1 starts @3: queued behind, engine 18..34, done @98.
  // 'dma0 wait' @4 stalls 78 -> ends @83. loop @83; each iteration: load, fadd 2 cycles after
  // (1 stall), store 2 cycles after (1 stall) = 5 cycles; 16 iterations @84..163.
  // dma2 out @164 (engine free since 34): done @164+16+64 = 244. 'dma1 wait' @165: done @98, no stall.
  // loop @166, iterations @167..246. dma3 out @247: engine free @180 -> done @327.
  // halt @248 waits for all DMA: stalls 79 until 327 -> 328 cycles.
  expect(cycles).toBe(328);
  expect(profile.stalls).toEqual({ dependency: 2 * 16 * 2, bank: 0, dma: 78 + 79, branch: 0 });
  expect(profile.lines).toBe(107);
  expect(profile.dma).toEqual({ transfers: 4, bytes: 4 * 256, ddrRead: 128, ddrWritten: 128, chipRead: 128, chipWritten: 128 });
  expect(profile.memory.ddr).toEqual({ read: 128, written: 128 });
  // core loads 128 + DMA reads 128 from on-chip memory
  expect(profile.memory.chip).toEqual({ read: 256, written: 256 });
});

test('a transfer outside DDR faults with the PC and source line', () => {
  const sim = new Simulator(assemble(`
main:
    xr10 = 0 || xr11 = 0 || xr12 = 64 || xr13 = 1 || xr14 = 0 || xr15 = 0 || xr16 = 16000
    xr10 = r16 << 14
    dma0 in xr10
    halt`, { limits: T, file: 'bad.s' }), T);
  expect(() => sim.runSync()).toThrowError(/pc 2 \(bad.s:5\).*DMA source DDR/);
});
