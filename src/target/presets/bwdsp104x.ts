// Preset: BWDSP104x, the default target. Public facts (docs: /work/shared/BWDSP.md) plus stated
// ASSUMPTIONS where no datasheet is public:
// - clock 200 MHz (assumed) so that peak fp32 = 4 macros x (8 MUL + 8 ALU) = 64 FLOP/cycle
//   = 12.8 GFLOPS, which makes the thesis's 11.07 GFLOPS = 86.5 % directly comparable;
// - a multiply-accumulate uses one MUL and one ALU (separate multiplier and adder);
// - latencies, branch penalty, DMA bandwidth/latency and DDR size are assumptions (not published).
import type { TargetDesc } from '../types.js';

export const BWDSP104X: TargetDesc = {
  name: 'bwdsp104x',
  description: 'BWDSP104x: 4 macros x (8 ALU, 8 MUL, 4 SHF, 1 SPU), 64 regs/macro, 16-slot lines, ' +
    '6x8-bank 24 Mbit data memory; 200 MHz assumed (peak 12.8 GFLOPS fp32)',
  clockHz: 200e6,
  macros: 4,
  regsPerMacro: 64,
  issueWidth: 16,
  units: { ALU: 8, MUL: 8, SHF: 4, SPU: 1 },
  fpAddUnit: 'ALU',
  macUsesAlu: true,
  agu: { count: 3, regs: 16, portsPerLine: 1 },
  loopDepth: 4,
  latency: { alu: 1, shf: 1, fadd: 2, fmul: 2, fmac: 2, conv: 2, spu: 4, load: 2, xfer: 1, reduce: 2, agu: 1, none: 0 },
  branchPenalty: 4,
  memory: { blocks: 6, banksPerBlock: 8, blockWords: 131072, wideAccessAlign: false }, // 24 Mbit = 786432 words
  dma: { channels: 4, bytesPerCycle: 16, latency: 64 }, // 3.2 GB/s at 200 MHz (assumed)
  ddr: { words: 64 * 1024 * 1024 }, // 256 MiB (assumed)
};
