// Disassembler: Program -> assembly text that assembles back to the same Program (lines, data,
// symbols, regions, entry). Branch targets without a label get a synthesized `L<line>` label.
import type { FieldCtx } from './fields.js';
import { printSlot } from './syntax.js';
import { instr } from './table.js';
import type { ExecLine, Program } from './types.js';

/** Text of one execution line (slots joined by ` || `). */
export function disasmLine(line: ExecLine, pc: number, labelAt?: (l: number) => string | undefined): string {
  const ctx: FieldCtx = { pc, lookup: () => undefined, labelAt };
  return line.slots.map((s) => printSlot(s, ctx)).join(' || ');
}

export function disassemble(p: Program): string {
  const codeLabels = new Map<number, string[]>();
  const addLabel = (l: number, n: string): void => { codeLabels.set(l, [...(codeLabels.get(l) ?? []), n]); };
  for (const s of Object.values(p.symbols)) if (s.space === 'code') addLabel(s.addr, s.name);
  p.lines.forEach((line, pc) => {
    for (const s of line.slots) {
      const d = instr(s.op);
      for (const fd of d?.fields ?? []) {
        if (fd.kind !== 'rel' && fd.kind !== 'abs') continue;
        const target = fd.kind === 'rel' ? pc + s.f[fd.name]! : s.f[fd.name]!;
        if (!codeLabels.has(target)) addLabel(target, `L${target}`);
      }
    }
  });
  if (p.entry !== 0 && !codeLabels.has(p.entry)) addLabel(p.entry, `L${p.entry}`);
  const labelAt = (l: number): string | undefined => codeLabels.get(l)?.[0];
  const out: string[] = ['.text'];
  const globals = Object.values(p.symbols).filter((s) => s.global).map((s) => s.name).sort();
  if (globals.length) out.push(`.global ${globals.join(', ')}`);
  if (p.entry !== 0) out.push(`.entry ${labelAt(p.entry)}`);
  const starts = new Map(p.regions.map((r) => [r.start, r] as const));
  const ends = new Set(p.regions.map((r) => r.end));
  for (let pc = 0; pc <= p.lines.length; pc++) {
    if (ends.has(pc) && !starts.has(pc)) out.push('.endregion');
    const r = starts.get(pc);
    if (r && r.end > r.start) out.push(`.region ${r.name}`);
    for (const n of codeLabels.get(pc) ?? []) out.push(`${n}:`);
    if (pc < p.lines.length) out.push(`    ${disasmLine(p.lines[pc]!, pc, labelAt)}`);
  }
  for (const space of ['chip', 'ddr'] as const) {
    const labels = Object.values(p.symbols).filter((s) => s.space === space).sort((a, b) => a.addr - b.addr);
    const secs = p.data.filter((d) => d.space === space).sort((a, b) => a.base - b.base);
    if (!labels.length && !secs.length) continue;
    out.push(space === 'chip' ? '.data' : '.ddr');
    const words = new Map<number, number>();
    for (const s of secs) s.words.forEach((w, i) => words.set(s.base + i, w));
    const addrs = [...new Set([...words.keys(), ...labels.map((l) => l.addr)])].sort((a, b) => a - b);
    let at = -1;
    for (const a of addrs) {
      if (a !== at) out.push(`.org ${a}`);
      for (const l of labels) if (l.addr === a) out.push(`${l.name}:`);
      if (words.has(a)) { out.push(`    .word 0x${words.get(a)!.toString(16)}`); at = a + 1; } else at = a;
    }
    const top = space === 'chip' ? p.chipTop : p.ddrTop;
    if (top > at) out.push(`.org ${top}`);
  }
  return out.join('\n') + '\n';
}
