// A DSP target as data: everything the simulator and compiler need to know about the machine.
// Extends the ISA's IsaLimits (what line legality depends on) with clock, latencies, memory,
// DMA and DDR figures. Presets live in presets/; user targets come from JSON (validate.ts).
import type { IsaLimits, LatencyClass } from '../isa/index.js';

export interface TargetDesc extends IsaLimits {
  /** One-line description, including the assumptions behind the figures. */
  description: string;
  clockHz: number;
  /** Cycles from issue until a result of each latency class can be read (1 = next line). */
  latency: Record<LatencyClass, number>;
  /** Extra cycles after a taken branch (zero-overhead loop back-edges cost nothing). */
  branchPenalty: number;
  memory: {
    blocks: number;
    banksPerBlock: number;
    /** 32-bit words per block; on-chip data words = blocks * blockWords. */
    blockWords: number;
    /** A multi-macro access with lane stride 1 must start at a multiple of its width (rounded to 2^k). */
    wideAccessAlign: boolean;
  };
  dma: {
    channels: number;
    /** DDR <-> on-chip bytes per cycle of the single DMA engine (transfers are serialized). */
    bytesPerCycle: number;
    /** Cycles from start until the first word arrives. */
    latency: number;
  };
  ddr: { words: number };
}

/** Peak fp32 FLOPs per cycle: every multiplier slot doing a multiply-accumulate (2 FLOPs). */
export function peakFlopsPerCycle(t: TargetDesc): number {
  return t.macros * t.units.MUL * 2;
}

/** Peak fp32 FLOP/s at the target clock. */
export function peakFlops(t: TargetDesc): number {
  return peakFlopsPerCycle(t) * t.clockHz;
}

/** On-chip data memory in words. */
export function chipWords(t: TargetDesc): number {
  return t.memory.blocks * t.memory.blockWords;
}
