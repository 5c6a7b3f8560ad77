// Profiler: turns the simulator's counters into cycles, time, FLOP efficiency against the target's
// peak, per-unit-class utilization, stall cycles by cause, memory words per level, bank conflicts,
// DMA bytes, per-region figures and an optional timeline; plus a plain table for display.
import { type Program, type UnitClass, UNIT_CLASSES } from '../isa/index.js';
import { peakFlopsPerCycle, type TargetDesc } from '../target/index.js';
import type { DmaStats } from './dma.js';

export type StallCause = 'dependency' | 'bank' | 'dma' | 'branch';
export const STALL_CAUSES: readonly StallCause[] = ['dependency', 'bank', 'dma', 'branch'];

export interface Figures {
  cycles: number;
  lines: number; // execution lines issued
  flops: number;
  efficiency: number; // flops / (peak per cycle * cycles)
  utilization: Record<UnitClass, number>; // busy unit-cycles / (units * macros * cycles)
  stalls: Record<StallCause, number>;
}

export interface RegionProfile extends Figures {
  name: string; start: number; end: number;
  /** On-chip words read and written by the region's loads and stores. */
  words: { read: number; written: number };
}

export interface TimelineSample extends Figures { start: number }

export interface Profile extends Figures {
  target: string;
  clockHz: number;
  timeSeconds: number;
  gflops: number;
  peakFlopsPerCycle: number;
  busyUnitCycles: Record<UnitClass, number>;
  memory: { chip: { read: number; written: number }; ddr: { read: number; written: number } };
  bankConflicts: number;
  dma: DmaStats;
  regions: RegionProfile[];
  timeline?: { every: number; samples: TimelineSample[] };
}

/** Static per-line figures computed at load: busy[pc*4+class], flops, chip words read/written. */
export interface LineStatic { busy: Float64Array; flops: Float64Array; rd: Float64Array; wr: Float64Array }

export function figures(t: TargetDesc, cycles: number, lines: number, flops: number, busy: number[], stalls: number[]): Figures {
  const utilization = {} as Record<UnitClass, number>;
  UNIT_CLASSES.forEach((u, i) => { utilization[u] = cycles && t.units[u] ? busy[i]! / (t.units[u] * t.macros * cycles) : 0; });
  const st = {} as Record<StallCause, number>;
  STALL_CAUSES.forEach((c, i) => { st[c] = stalls[i]!; });
  return { cycles, lines, flops, efficiency: cycles ? flops / (peakFlopsPerCycle(t) * cycles) : 0, utilization, stalls: st };
}

/** Figures of lines [start, end) from per-line counters. */
export function rangeFigures(t: TargetDesc, ls: LineStatic, cnt: Float64Array, stall: Float64Array, start: number, end: number): Figures {
  let cycles = 0, lines = 0, flops = 0;
  const busy = [0, 0, 0, 0];
  const st = [0, 0, 0, 0];
  for (let pc = start; pc < end; pc++) {
    const c = cnt[pc]!;
    lines += c;
    flops += c * ls.flops[pc]!;
    for (let u = 0; u < 4; u++) busy[u]! += c * ls.busy[pc * 4 + u]!;
    let s = 0;
    for (let k = 0; k < 4; k++) { st[k]! += stall[pc * 4 + k]!; s += stall[pc * 4 + k]!; }
    cycles += c + s;
  }
  return figures(t, cycles, lines, flops, busy, st);
}

/** Words read and written by loads/stores of lines [start, end). */
function rangeWords(ls: LineStatic, cnt: Float64Array, start: number, end: number): { read: number; written: number } {
  let read = 0, written = 0;
  for (let pc = start; pc < end && pc < ls.rd.length; pc++) { read += cnt[pc]! * ls.rd[pc]!; written += cnt[pc]! * ls.wr[pc]!; }
  return { read, written };
}

export function buildProfile(t: TargetDesc, p: Program, ls: LineStatic, cnt: Float64Array, stall: Float64Array,
  cycles: number, bankEvents: number, dma: DmaStats, timeline?: { every: number; samples: TimelineSample[] }): Profile {
  const n = p.lines.length;
  const all = rangeFigures(t, ls, cnt, stall, 0, n + 1);
  let rd = 0, wr = 0;
  for (let pc = 0; pc < n; pc++) { rd += cnt[pc]! * ls.rd[pc]!; wr += cnt[pc]! * ls.wr[pc]!; }
  const busyUnitCycles = {} as Record<UnitClass, number>;
  UNIT_CLASSES.forEach((u) => { busyUnitCycles[u] = all.utilization[u] * t.units[u] * t.macros * cycles; });
  return {
    ...all,
    cycles,
    efficiency: cycles ? all.flops / (peakFlopsPerCycle(t) * cycles) : 0,
    target: t.name,
    clockHz: t.clockHz,
    timeSeconds: cycles / t.clockHz,
    gflops: cycles ? (all.flops / (cycles / t.clockHz)) / 1e9 : 0,
    peakFlopsPerCycle: peakFlopsPerCycle(t),
    busyUnitCycles,
    memory: { chip: { read: rd + dma.chipRead, written: wr + dma.chipWritten }, ddr: { read: dma.ddrRead, written: dma.ddrWritten } },
    bankConflicts: bankEvents,
    dma,
    regions: p.regions.map((r) => ({ name: r.name, start: r.start, end: r.end, ...rangeFigures(t, ls, cnt, stall, r.start, r.end), words: rangeWords(ls, cnt, r.start, r.end) })),
    ...(timeline ? { timeline } : {}),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** A table (columns + rows of strings) of the profile: one row per region plus the total. */
export function profileTable(p: Profile): { columns: string[]; rows: string[][] } {
  const columns = ['region', 'cycles', 'FLOP eff.', ...UNIT_CLASSES.map((u) => `${u} util.`), ...STALL_CAUSES.map((c) => `${c} stalls`)];
  const row = (name: string, f: Figures): string[] =>
    [name, String(f.cycles), pct(f.efficiency), ...UNIT_CLASSES.map((u) => pct(f.utilization[u])), ...STALL_CAUSES.map((c) => String(f.stalls[c]))];
  return { columns, rows: [...p.regions.map((r) => row(r.name, r)), row('(total)', p)] };
}

/** Plain-text summary of a profile. */
export function formatProfile(p: Profile): string {
  const { columns, rows } = profileTable(p);
  const w = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(w[i]!)).join('  ');
  return [
    `${p.target}: ${p.cycles} cycles = ${(p.timeSeconds * 1e6).toFixed(3)} us at ${p.clockHz / 1e6} MHz; ` +
      `${p.flops} FLOP = ${p.gflops.toFixed(3)} GFLOPS, ${pct(p.efficiency)} of peak (${p.peakFlopsPerCycle} FLOP/cycle)`,
    `memory words: on-chip read ${p.memory.chip.read}, written ${p.memory.chip.written}; DDR read ${p.memory.ddr.read}, ` +
      `written ${p.memory.ddr.written}; DMA ${p.dma.bytes} bytes in ${p.dma.transfers} transfers; bank conflicts ${p.bankConflicts}`,
    line(columns), ...rows.map(line),
  ].join('\n');
}
