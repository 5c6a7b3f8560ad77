// Preset: BWDSP100 (first generation). Public facts: 4 macros x (4 MAC, 8 ALU, 2 SHF, 1 SPU),
// 64 regs/macro, 24 Mbit data SRAM. ASSUMPTIONS (no datasheet is public):
// - clock 400 MHz so that peak fp32 = 4 macros x 4 MAC x 2 FLOP = 32 FLOP/cycle = 12.8 GFLOPS;
// - fp32 add/sub/max/min/compare run on the MAC units (the 8 ALUs are integer/fixed-point), and a
//   multiply-accumulate is fused in one MAC unit;
// - latencies, branch penalty, DMA and DDR figures are assumptions; at 400 MHz the same 3.2 GB/s
//   DDR bandwidth is 8 bytes/cycle.
import type { TargetDesc } from '../types.js';

export const BWDSP100: TargetDesc = {
  name: 'bwdsp100',
  description: 'BWDSP100: 4 macros x (4 MAC, 8 ALU, 2 SHF, 1 SPU), 64 regs/macro, 16-slot lines, ' +
    '6x8-bank 24 Mbit data memory; 400 MHz assumed (peak 12.8 GFLOPS fp32)',
  clockHz: 400e6,
  macros: 4,
  regsPerMacro: 64,
  issueWidth: 16,
  units: { ALU: 8, MUL: 4, SHF: 2, SPU: 1 },
  fpAddUnit: 'MUL',
  macUsesAlu: false,
  agu: { count: 3, regs: 16, portsPerLine: 1 },
  loopDepth: 4,
  latency: { alu: 1, shf: 1, fadd: 3, fmul: 3, fmac: 3, conv: 2, spu: 6, load: 3, xfer: 1, reduce: 3, agu: 1, none: 0 },
  branchPenalty: 5,
  memory: { blocks: 6, banksPerBlock: 8, blockWords: 131072, wideAccessAlign: false },
  dma: { channels: 4, bytesPerCycle: 8, latency: 128 },
  ddr: { words: 64 * 1024 * 1024 },
};
