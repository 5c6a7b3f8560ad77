// Operand field kinds: for each, the regex fragment that matches it in assembly, how its text
// becomes a number (parse), how the number prints (print) and its value range for encoding.
import { AG_NAMES, AG_REGS, type FieldDef, type FieldKind, MACRO_NAMES } from './types.js';

/** Resolution context for symbolic operands during assembly/disassembly. */
export interface FieldCtx {
  pc: number;
  /** Resolve a symbol to its address (line index for code labels); undefined if unknown. */
  lookup(name: string): number | undefined;
  /** Name to print for a code line (disassembly), if any. */
  labelAt?(line: number): string | undefined;
}

const NUM = '-?(?:0x[0-9a-fA-F]+|\\d+)';
const SYM = '[A-Za-z_.$][\\w.$]*';
const SYMEXPR = `(?:${SYM}(?:\\s*[+-]\\s*(?:0x[0-9a-fA-F]+|\\d+))?|${NUM}|@\\d+)`;

interface KindInfo {
  re: string;
  parse(text: string, ctx: FieldCtx): number;
  print(v: number, ctx: FieldCtx): string;
  signed: boolean;
}

export class FieldError extends Error {
  constructor(message: string, readonly code: string = 'ASM_BAD_OPERAND') {
    super(message);
  }
}

function parseNum(t: string): number {
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  const v = body.startsWith('0x') || body.startsWith('0X') ? parseInt(body.slice(2), 16) : parseInt(body, 10);
  return neg ? -v : v;
}

/** Parse a number, `@line`, `sym` or `sym+N` / `sym-N`. */
export function parseExpr(t: string, ctx: FieldCtx): number {
  t = t.trim();
  if (/^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) return parseNum(t);
  if (/^@\d+$/.test(t)) return parseInt(t.slice(1), 10);
  const m = /^([A-Za-z_.$][\w.$]*)\s*(?:([+-])\s*(0x[0-9a-fA-F]+|\d+))?$/.exec(t);
  if (!m) throw new FieldError(`cannot read '${t}' as a number or symbol`);
  const base = ctx.lookup(m[1]!);
  if (base === undefined) throw new FieldError(`unknown symbol '${m[1]}'`, 'ASM_UNKNOWN_SYMBOL');
  const off = m[3] ? parseNum(m[3]) : 0;
  return m[2] === '-' ? base - off : base + off;
}

function maskParse(t: string): number {
  let m = 0;
  for (const ch of t.trim()) {
    const k = (MACRO_NAMES as readonly string[]).indexOf(ch);
    if (k < 0 || m & (1 << k)) throw new FieldError(`bad macro prefix '${t.trim()}' (use letters x, y, z, t at most once each)`);
    m |= 1 << k;
  }
  return m;
}

function maskPrint(v: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) if (v & (1 << k)) s += MACRO_NAMES[k];
  return s.length > 1 ? s + ' ' : s;
}

function labelPrint(line: number, ctx: FieldCtx): string {
  return ctx.labelAt?.(line) ?? `@${line}`;
}

export const KINDS: Record<FieldKind, KindInfo> = {
  mask: { re: '([xyzt]+)\\s*', parse: maskParse, print: maskPrint, signed: false },
  macro: { re: '([xyzt])', parse: (t) => maskParse(t) === 1 ? 0 : Math.log2(maskParse(t)), print: (v) => MACRO_NAMES[v]!, signed: false },
  reg: { re: '(\\d+)', parse: (t) => parseInt(t, 10), print: (v) => String(v), signed: false },
  ag: {
    re: '([uvw]\\d+)',
    parse: (t) => (AG_NAMES as readonly string[]).indexOf(t[0]!) * AG_REGS + parseInt(t.slice(1), 10),
    print: (v) => `${AG_NAMES[v >> 4]}${v & 15}`,
    signed: false,
  },
  agi: { re: '(\\d+)', parse: (t) => parseInt(t, 10), print: (v) => String(v), signed: false },
  simm: { re: `(${SYMEXPR})`, parse: parseExpr, print: (v) => String(v), signed: true },
  uimm: { re: `(${SYMEXPR})`, parse: parseExpr, print: (v) => String(v), signed: false },
  addr: { re: `(${SYMEXPR})`, parse: parseExpr, print: (v) => String(v), signed: false },
  chan: { re: '(\\d+)', parse: (t) => parseInt(t, 10), print: (v) => String(v), signed: false },
  // Code targets: stored relative (rel) or absolute (abs); written as a label or @line.
  rel: {
    re: `(${SYM}|@\\d+)`,
    parse: (t, ctx) => parseExpr(t, ctx) - ctx.pc,
    print: (v, ctx) => labelPrint(ctx.pc + v, ctx),
    signed: true,
  },
  abs: { re: `(${SYM}|@\\d+)`, parse: (t, ctx) => parseExpr(t, ctx), print: (v, ctx) => labelPrint(v, ctx), signed: false },
};

/** Inclusive value range a field can encode. */
export function fieldRange(fd: FieldDef): [number, number] {
  if (fd.kind === 'ag') return [0, 3 * AG_REGS - 1];
  if (KINDS[fd.kind].signed) return [-(2 ** (fd.width - 1)), 2 ** (fd.width - 1) - 1];
  if (fd.kind === 'mask') return [1, 2 ** fd.width - 1];
  return [0, 2 ** fd.width - 1];
}
