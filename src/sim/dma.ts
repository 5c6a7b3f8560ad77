// The DMA engine: one controller with several channels moving 2-D blocks between DDR and on-chip
// memory. Data moves when a transfer starts (the program must wait before use); timing: transfers
// are serialized on the engine at `bytesPerCycle`, and complete `latency` cycles after their last
// byte leaves. Waits and starts on a busy channel return the stall in cycles.
import type { TargetDesc } from '../target/index.js';
import type { ChipMemory, DdrMemory } from './memory.js';

export interface DmaStats { transfers: number; bytes: number; ddrRead: number; ddrWritten: number; chipRead: number; chipWritten: number }
export interface DmaEvent { cycle: number; ch: number; dir: 'in' | 'out'; words: number; done: number; pc: number }

export class DmaEngine {
  private engineFree = 0;
  readonly done: Float64Array;
  stats: DmaStats = { transfers: 0, bytes: 0, ddrRead: 0, ddrWritten: 0, chipRead: 0, chipWritten: 0 };
  events: DmaEvent[] | undefined;

  constructor(private t: TargetDesc, private chip: ChipMemory, private ddr: DdrMemory,
    private fault: (code: string, pc: number, msg: string, hint?: string) => never) {
    this.done = new Float64Array(t.dma.channels);
  }

  reset(): void {
    this.engineFree = 0;
    this.done.fill(0);
    this.stats = { transfers: 0, bytes: 0, ddrRead: 0, ddrWritten: 0, chipRead: 0, chipWritten: 0 };
  }

  /** Start a transfer at cycle t; returns stall cycles (channel still busy). */
  start(ch: number, dir: number, src: number, dst: number, len: number, rows: number, sstr: number, dstr: number, t: number, pc: number): number {
    const stall = this.done[ch]! > t ? this.done[ch]! - t : 0;
    t += stall;
    if (len < 0 || rows < 0) this.fault('SIM_DMA_DESCRIPTOR', pc, `DMA length ${len} x ${rows} rows is negative`, 'set descriptor regs a+2 (row length) and a+3 (rows) >= 0');
    const chipW = this.chip.words;
    const ddrW = this.ddr.words;
    const [sLim, dLim] = dir === 0 ? [ddrW, chipW] : [chipW, ddrW];
    const [sName, dName] = dir === 0 ? ['DDR', 'on-chip'] : ['on-chip', 'DDR'];
    const words = len * rows;
    if (words > 0) {
      const sLast = src + (rows - 1) * sstr + len - 1;
      const dLast = dst + (rows - 1) * dstr + len - 1;
      if (src < 0 || sLast >= sLim || Math.min(src, src + (rows - 1) * sstr) < 0) {
        this.fault('SIM_BAD_ADDRESS', pc, `DMA source ${sName} words ${src}..${sLast} outside 0..${sLim - 1}`);
      }
      if (dst < 0 || dLast >= dLim || Math.min(dst, dst + (rows - 1) * dstr) < 0) {
        this.fault('SIM_BAD_ADDRESS', pc, `DMA destination ${dName} words ${dst}..${dLast} outside 0..${dLim - 1}`);
      }
      const C = this.chip.I;
      const D = this.ddr;
      for (let r = 0; r < rows; r++) {
        const s0 = src + r * sstr;
        const d0 = dst + r * dstr;
        if (dir === 0) for (let i = 0; i < len; i++) C[d0 + i] = D.read(s0 + i);
        else for (let i = 0; i < len; i++) D.write(d0 + i, C[s0 + i]!);
      }
    }
    const bytes = words * 4;
    const begin = Math.max(t, this.engineFree);
    const xfer = Math.ceil(bytes / this.t.dma.bytesPerCycle);
    this.engineFree = begin + xfer;
    this.done[ch] = begin + xfer + this.t.dma.latency;
    const s = this.stats;
    s.transfers++;
    s.bytes += bytes;
    if (dir === 0) { s.ddrRead += words; s.chipWritten += words; } else { s.chipRead += words; s.ddrWritten += words; }
    this.events?.push({ cycle: t, ch, dir: dir === 0 ? 'in' : 'out', words, done: this.done[ch]!, pc });
    return stall;
  }

  /** Stall until channel ch is idle. */
  wait(ch: number, t: number): number {
    return this.done[ch]! > t ? this.done[ch]! - t : 0;
  }

  /** Stall until every channel is idle. */
  drain(t: number): number {
    let end = t;
    for (const d of this.done) if (d > end) end = d;
    return end - t;
  }
}
