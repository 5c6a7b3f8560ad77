// Assembler: BWDSP-style source -> Program. One source line = one execution line; its slots are
// separated by `||` (a line ending in `||` continues on the next). Labels `name:`, comments `//` or
// `;`, directives .text .data .ddr .global .entry .code_align .region/.endregion .word .float
// .space .align .org .block. Errors are BwvmErrors "file:line:col: message" with a code.
import { BwvmError } from '../util/errors.js';
import { checkLine } from './check.js';
import { type FieldCtx, FieldError, parseExpr } from './fields.js';
import { isSlot, parseSlot } from './syntax.js';
import type { DataSection, ExecLine, IsaLimits, Program, Region, Slot, SymbolInfo } from './types.js';

export interface AsmOptions {
  file?: string;
  /** Machine to check execution lines against (issue width, units, ports). Default: ENCODING_LIMITS. */
  limits?: IsaLimits;
  /** Words per on-chip memory block, for `.block K` (default 131072 = 24 Mbit / 6 blocks). */
  blockWords?: number;
}

/** Encoding maxima: structural checks only (targets pass their own limits). */
export const ENCODING_LIMITS: IsaLimits = {
  name: 'encoding limits', macros: 4, regsPerMacro: 64, issueWidth: 16, units: { ALU: 16, MUL: 16, SHF: 16, SPU: 16 },
  fpAddUnit: 'ALU', macUsesAlu: false, agu: { count: 3, regs: 16, portsPerLine: 16 }, loopDepth: 8, dma: { channels: 4 },
};

interface Piece { text: string; line: number; col: number }
const REGLIKE = /^(?:[xyzt]*f?r\d+|[uvw]\d+|dma\d+)$/;
const LABEL = /^\s*([A-Za-z_.$][\w.$]*)\s*:(?![\w])/;

function stripComment(s: string): string {
  const a = s.indexOf('//');
  const b = s.indexOf(';');
  const cut = Math.min(a < 0 ? s.length : a, b < 0 ? s.length : b);
  return s.slice(0, cut).replace(/\s+$/, '');
}

export function assemble(source: string, opts: AsmOptions = {}): Program {
  const file = opts.file ?? '<asm>';
  const lim = opts.limits ?? ENCODING_LIMITS;
  const blockWords = opts.blockWords ?? 131072;
  const fail = (code: string, line: number, col: number, msg: string, hint?: string): never => {
    throw new BwvmError(code, `${file}:${line}:${col}: ${msg}`, { hint, details: { file, line, col } });
  };

  const symbols: Record<string, SymbolInfo> = {};
  const globals = new Set<string>();
  const code: Piece[][] = [];
  const pendingWords: Array<{ space: 'chip' | 'ddr'; addr: number; p: Piece }> = [];
  const words = { chip: new Map<number, number>(), ddr: new Map<number, number>() };
  const loc = { chip: 0, ddr: 0 };
  let section: 'text' | 'chip' | 'ddr' = 'text';
  let slotAddr = 0;
  const regions: Region[] = [];
  let openRegion: Region | undefined;
  let entryName: Piece | undefined;
  let cont: Piece[] | undefined;

  const defLabel = (name: string, line: number, col: number): void => {
    if (symbols[name]) fail('ASM_DUPLICATE_LABEL', line, col, `label '${name}' is defined twice`, 'rename one of them');
    if (REGLIKE.test(name)) fail('ASM_BAD_LABEL', line, col, `'${name}' looks like a register and cannot be a label`);
    symbols[name] = section === 'text'
      ? { name, space: 'code', addr: code.length, size: 0, global: false }
      : { name, space: section, addr: loc[section], size: 0, global: false };
  };

  const lines = source.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const ln = idx + 1;
    let s = stripComment(raw);
    let off = 0;
    if (!cont) {
      for (let m = LABEL.exec(s); m; m = LABEL.exec(s)) {
        defLabel(m[1]!, ln, off + s.indexOf(m[1]!) + 1);
        off += m[0].length;
        s = s.slice(m[0].length);
      }
    }
    if (!s.trim()) return;
    const lead = s.length - s.trimStart().length;
    const col0 = off + lead + 1;
    const body = s.trim();
    if (!cont && body.startsWith('.')) return directive(body, ln, col0);
    if (section !== 'text') fail('ASM_SYNTAX', ln, col0, `instruction in a data section: '${body}'`, 'put code after .text');
    const pieces = cont ?? [];
    let pos = off + lead;
    for (const part of s.slice(lead).split('||')) {
      const t = part.trim();
      const c = pos + (part.length - part.trimStart().length) + 1;
      if (t) pieces.push({ text: t, line: ln, col: c });
      pos += part.length + 2;
    }
    if (body.endsWith('||')) { cont = pieces; return; }
    cont = undefined;
    if (pieces.length === 0) return;
    code.push(pieces);
    slotAddr += pieces.length;
  });
  if (cont) code.push(cont);
  if (openRegion) openRegion.end = code.length;

  function directive(body: string, ln: number, col: number): void {
    const m = /^\.(\w+)\s*(.*)$/.exec(body)!;
    const name = m[1]!;
    const argText = m[2]!;
    const args = argText ? argText.split(',').map((a) => a.trim()) : [];
    const argCol = col + body.indexOf(argText);
    const num = (i: number): number => {
      try {
        return parseExpr(args[i] ?? '', { pc: 0, lookup: () => undefined });
      } catch {
        return fail('ASM_BAD_DIRECTIVE', ln, argCol, `.${name} needs a number, got '${args[i] ?? ''}'`);
      }
    };
    const emit = (v: number): void => {
      if (section === 'text') fail('ASM_BAD_DIRECTIVE', ln, col, `.${name} outside a data section`, 'put data after .data or .ddr');
      else words[section].set(loc[section]++, v >>> 0);
    };
    switch (name) {
      case 'text': section = 'text'; break;
      case 'data': section = 'chip'; break;
      case 'ddr': section = 'ddr'; break;
      case 'global': args.forEach((a) => globals.add(a)); break;
      case 'entry': entryName = { text: args[0] ?? '', line: ln, col: argCol }; break;
      case 'word':
        for (const a of args) {
          if (section === 'text') emit(0);
          pendingWords.push({ space: section as 'chip' | 'ddr', addr: loc[section as 'chip' | 'ddr'], p: { text: a, line: ln, col: argCol } });
          emit(0);
        }
        break;
      case 'float':
        for (const a of args) {
          const v = Number(a);
          if (!a || Number.isNaN(v) && a !== 'nan') fail('ASM_BAD_DIRECTIVE', ln, argCol, `.float needs numbers, got '${a}'`);
          const b = new Float32Array([v]);
          emit(new Uint32Array(b.buffer)[0]!);
        }
        break;
      case 'space': { if (section === 'text') emit(0); loc[section as 'chip' | 'ddr'] += num(0); break; }
      case 'align': { const n = num(0); if (section !== 'text') loc[section] = Math.ceil(loc[section] / n) * n; break; }
      case 'org': { if (section !== 'text') loc[section] = num(0); break; }
      case 'block': {
        if (section !== 'chip') fail('ASM_BAD_DIRECTIVE', ln, col, '.block is for on-chip data (.data)');
        loc.chip = num(0) * blockWords;
        break;
      }
      case 'code_align': {
        const n = num(0);
        if (!(n > 0 && (n & (n - 1)) === 0)) fail('ASM_BAD_DIRECTIVE', ln, argCol, `.code_align needs a power of two, got ${args[0]}`);
        const pad = (n - (slotAddr % n)) % n;
        const prev = code[code.length - 1];
        if (prev && pad) for (let i = 0; i < pad; i++) prev.push({ text: 'nop', line: ln, col });
        if (prev) slotAddr += pad;
        break;
      }
      case 'region':
        if (openRegion) openRegion.end = code.length;
        openRegion = { name: args[0] || `region${regions.length}`, start: code.length, end: code.length };
        regions.push(openRegion);
        break;
      case 'endregion':
        if (openRegion) { openRegion.end = code.length; openRegion = undefined; }
        break;
      default:
        fail('ASM_BAD_DIRECTIVE', ln, col, `unknown directive .${name}`,
          'known: .text .data .ddr .global .entry .word .float .space .align .org .block .code_align .region .endregion');
    }
  }

  // Pass 2: operands (symbols now known).
  const lookup = (n: string): number | undefined => symbols[n]?.addr;
  const out: ExecLine[] = code.map((pieces, pc) => {
    const ctx: FieldCtx = { pc, lookup };
    const slots: Slot[] = pieces.map((p) => {
      const r = parseSlot(p.text, ctx);
      if (!isSlot(r)) return fail(r.code, p.line, p.col, r.message, r.code === 'ASM_SYNTAX' ? 'see docs/ISA.md for the syntax of every instruction' : undefined);
      return r;
    });
    const line: ExecLine = { slots, loc: { line: pieces[0]!.line, col: pieces[0]!.col, file } };
    const prob = checkLine(line, lim);
    if (prob) {
      const p = pieces[prob.slot ?? 0] ?? pieces[0]!;
      fail(prob.code.replace(/^ISA_/, 'ASM_'), p.line, p.col, prob.message, prob.hint);
    }
    return line;
  });
  for (const w of pendingWords) {
    let v = 0;
    try { v = parseExpr(w.p.text, { pc: 0, lookup }); } catch (e) {
      if (e instanceof FieldError) fail(e.code, w.p.line, w.p.col, `.word: ${e.message}`);
      throw e;
    }
    words[w.space].set(w.addr, v >>> 0);
  }
  for (const g of globals) if (symbols[g]) symbols[g]!.global = true;

  // Data sections (contiguous runs) and symbol sizes.
  const data: DataSection[] = [];
  for (const space of ['chip', 'ddr'] as const) {
    const addrs = [...words[space].keys()].sort((a, b) => a - b);
    let i = 0;
    while (i < addrs.length) {
      let j = i;
      while (j + 1 < addrs.length && addrs[j + 1] === addrs[j]! + 1) j++;
      const base = addrs[i]!;
      data.push({ space, base, words: Uint32Array.from(addrs.slice(i, j + 1).map((a) => words[space].get(a)!)) });
      i = j + 1;
    }
    const syms = Object.values(symbols).filter((s) => s.space === space).sort((a, b) => a.addr - b.addr);
    syms.forEach((s, k) => { s.size = Math.max(0, (k + 1 < syms.length ? syms[k + 1]!.addr : loc[space]) - s.addr); });
  }
  if (regions.length === 0) {
    const labels = Object.values(symbols).filter((s) => s.space === 'code' && !s.name.startsWith('.')).sort((a, b) => a.addr - b.addr);
    if (labels.length === 0 || labels[0]!.addr > 0) regions.push({ name: '(top)', start: 0, end: labels[0]?.addr ?? out.length });
    labels.forEach((s, k) => regions.push({ name: s.name, start: s.addr, end: k + 1 < labels.length ? labels[k + 1]!.addr : out.length }));
  }
  let entry = symbols.main?.space === 'code' ? symbols.main.addr : 0;
  if (entryName) {
    const s = symbols[entryName.text];
    if (!s || s.space !== 'code') fail('ASM_UNKNOWN_SYMBOL', entryName.line, entryName.col, `.entry names unknown code label '${entryName.text}'`);
    entry = s.addr;
  }
  return { lines: out, data, symbols, regions: regions.filter((r) => r.end > r.start), entry, chipTop: loc.chip, ddrTop: loc.ddr };
}
