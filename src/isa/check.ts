// Legality of an execution line on a machine (IsaLimits): issue width, units per class per macro,
// address-generator ports, one control-flow and one DMA slot, no two writes to one register,
// registers/macros the target has. Shared by the assembler and the simulator's loader.
import { lanes } from './rows.js';
import { instr } from './table.js';
import { AG_BASE, type ExecLine, type InstrDef, type IsaLimits, MACRO_NAMES, MAX_REGS, type UnitClass, UNIT_CLASSES } from './types.js';

/** Unit classes a row occupies on each macro of its mask, on this machine. */
export function unitsOf(d: InstrDef, lim: Pick<IsaLimits, 'fpAddUnit' | 'macUsesAlu'>): UnitClass[] {
  if (d.unit === 'CTL') return [];
  if (d.fpAdd) return [lim.fpAddUnit];
  if (d.mac && lim.macUsesAlu) return ['MUL', 'ALU'];
  return [d.unit];
}

export interface LineProblem { code: string; message: string; slot?: number; hint?: string }

/** Busy units of a line: usage[macro][class]. */
export function lineUsage(line: ExecLine, lim: IsaLimits): Array<Record<UnitClass, number>> {
  const use = Array.from({ length: 4 }, () => ({ ALU: 0, MUL: 0, SHF: 0, SPU: 0 }) as Record<UnitClass, number>);
  for (const s of line.slots) {
    const d = instr(s.op);
    if (!d || d.unit === 'CTL') continue;
    for (const k of lanes(s.f.m ?? 0)) for (const u of unitsOf(d, lim)) use[k]![u]++;
  }
  return use;
}

/** First problem of the line on this machine, or undefined when it can issue. */
export function checkLine(line: ExecLine, lim: IsaLimits): LineProblem | undefined {
  const real = line.slots.filter((s) => s.op !== 'nop');
  if (real.length > lim.issueWidth) {
    return { code: 'ISA_LINE_TOO_WIDE', message: `execution line has ${real.length} slots; ${lim.name} issues at most ${lim.issueWidth}`,
      hint: 'split the line in two' };
  }
  let ctl = -1, dma = -1;
  const ports = new Map<number, number>();
  const written = new Map<number, number>();
  for (let i = 0; i < line.slots.length; i++) {
    const s = line.slots[i]!;
    const d = instr(s.op);
    if (!d) return { code: 'ISA_UNKNOWN_OP', message: `unknown instruction '${s.op}'`, slot: i };
    for (const fd of d.fields) {
      const v = s.f[fd.name];
      if (v === undefined) return { code: 'ISA_BAD_OPERAND', message: `${d.id}: missing operand ${fd.name}`, slot: i };
      if (fd.kind === 'reg' && v >= lim.regsPerMacro) {
        return { code: 'ISA_REG_RANGE', message: `${d.id}: register r${v} does not exist (${lim.name} has ${lim.regsPerMacro} per macro)`, slot: i };
      }
      if ((fd.kind === 'mask' && v >> lim.macros) || (fd.kind === 'macro' && v >= lim.macros)) {
        return { code: 'ISA_NO_MACRO', message: `${d.id}: ${lim.name} has only ${lim.macros} macros (${MACRO_NAMES.slice(0, lim.macros).join(', ')})`, slot: i };
      }
      if ((fd.kind === 'ag' && ((v >> 4) >= lim.agu.count || (v & 15) >= lim.agu.regs)) || (fd.kind === 'agi' && v >= lim.agu.regs)) {
        return { code: 'ISA_REG_RANGE', message: `${d.id}: address register does not exist on ${lim.name}`, slot: i };
      }
      if (fd.kind === 'chan' && v >= lim.dma.channels) {
        return { code: 'ISA_BAD_OPERAND', message: `${d.id}: DMA channel ${v} does not exist (${lim.dma.channels} channels)`, slot: i };
      }
    }
    const bad = d.verify?.(s.f);
    if (bad) return { code: 'ISA_BAD_OPERAND', message: `${d.id}: ${bad}`, slot: i };
    if (d.ctl) {
      if (ctl >= 0) return { code: 'ISA_TWO_BRANCHES', message: 'two control-flow slots (branch/loop/halt) in one execution line', slot: i };
      ctl = i;
    }
    if (d.dma) {
      if (dma >= 0) return { code: 'ISA_TWO_DMA', message: 'two DMA slots in one execution line', slot: i };
      dma = i;
    }
    if (d.agPort) {
      const g = d.agPort(s.f);
      const n = (ports.get(g) ?? 0) + 1;
      if (n > lim.agu.portsPerLine) {
        return { code: 'ISA_AG_PORTS', message: `address generator ${'UVW'[g]} used by ${n} slots; ${lim.name} allows ${lim.agu.portsPerLine} per line`,
          slot: i, hint: 'use another address generator (u, v, w) or split the line' };
      }
      ports.set(g, n);
    }
    const deps = d.deps(s.f);
    for (const r of [...deps.writes, ...(deps.agWrites ?? [])]) {
      if (written.has(r)) {
        const name = r >= AG_BASE ? `${'uvw'[(r - AG_BASE) >> 4]}${(r - AG_BASE) & 15}` : `${MACRO_NAMES[Math.floor(r / MAX_REGS)]}r${r % MAX_REGS}`;
        return { code: 'ISA_WRITE_CONFLICT', message: `two slots of one execution line write ${name}`, slot: i };
      }
      written.set(r, i);
    }
  }
  const use = lineUsage(line, lim);
  for (let k = 0; k < 4; k++) {
    for (const u of UNIT_CLASSES) {
      if (use[k]![u] > lim.units[u]) {
        return { code: 'ISA_UNITS', message: `execution line needs ${use[k]![u]} ${u} units on macro ${MACRO_NAMES[k]!.toUpperCase()}; ${lim.name} has ${lim.units[u]}`,
          hint: 'move some operations to another line or another macro' };
      }
    }
  }
  return undefined;
}
