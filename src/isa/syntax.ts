// Assembly syntax of one slot, derived from each table row's pattern: `{field}` placeholders,
// `(f)` optional literal, spaces = optional whitespace (required between two words). Parses a
// slot's text into a Slot and prints a Slot back in canonical form.
import { type FieldCtx, FieldError, KINDS, fieldRange } from './fields.js';
import { INSTRUCTIONS, instr } from './table.js';
import type { FieldDef, InstrDef, Slot } from './types.js';

type Tok = { lit: string } | { field: FieldDef } | { opt: string } | { space: true };

function tokens(d: InstrDef): Tok[] {
  const out: Tok[] = [];
  const p = d.syntax;
  for (let i = 0; i < p.length;) {
    if (p[i] === '{') {
      const j = p.indexOf('}', i);
      const name = p.slice(i + 1, j);
      const fd = d.fields.find((x) => x.name === name);
      if (!fd) throw new Error(`instruction ${d.id}: syntax names unknown field {${name}}`);
      out.push({ field: fd });
      i = j + 1;
    } else if (p.startsWith('(f)', i)) {
      out.push({ opt: 'f' });
      i += 3;
    } else if (p[i] === ' ') {
      out.push({ space: true });
      i++;
    } else {
      out.push({ lit: p[i]! });
      i++;
    }
  }
  return out;
}

const esc = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordy = (t: Tok | undefined, end: boolean): boolean => {
  if (!t) return false;
  if ('field' in t) return t.field.kind !== 'mask';
  if ('lit' in t) return /\w/.test(t.lit);
  if ('opt' in t) return !end;
  return false;
};

interface Compiled { re: RegExp; fields: FieldDef[] }
const compiled = new Map<InstrDef, Compiled>();

function compile(d: InstrDef): Compiled {
  let c = compiled.get(d);
  if (c) return c;
  const toks = tokens(d);
  let re = '^\\s*';
  const fields: FieldDef[] = [];
  toks.forEach((t, i) => {
    if ('field' in t) { re += KINDS[t.field.kind].re; fields.push(t.field); }
    else if ('opt' in t) re += `(?:${t.opt})?`;
    else if ('space' in t) re += wordy(toks[i - 1], true) && wordy(toks[i + 1], false) ? '\\s+' : '\\s*';
    else re += /\w/.test(t.lit) ? esc(t.lit) : `\\s*${esc(t.lit)}\\s*`;
  });
  re += '\\s*$';
  c = { re: new RegExp(re), fields };
  compiled.set(d, c);
  return c;
}

export interface ParseFailure { code: string; message: string }

/** Parse one slot's text. Returns the Slot or the most relevant failure. */
export function parseSlot(text: string, ctx: FieldCtx): Slot | ParseFailure {
  let firstErr: ParseFailure | undefined;
  for (const d of INSTRUCTIONS) {
    const { re, fields } = compile(d);
    const m = re.exec(text);
    if (!m) continue;
    try {
      const f: Record<string, number> = {};
      fields.forEach((fd, i) => {
        const v = KINDS[fd.kind].parse(m[i + 1]!, ctx);
        const [min, max] = fieldRange(fd);
        if (!Number.isInteger(v) || v < min || v > max) {
          throw new FieldError(`operand '${m[i + 1]!.trim()}' (${fd.name} = ${v}) is outside ${min}..${max} for '${d.syntax}'`,
            'ASM_OPERAND_RANGE');
        }
        f[fd.name] = v;
      });
      const bad = d.verify?.(f);
      if (bad) throw new FieldError(`${d.id}: ${bad}`, 'ASM_BAD_OPERAND');
      return { op: d.id, f };
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      firstErr ??= { code: e.code, message: e.message };
    }
  }
  return firstErr ?? { code: 'ASM_SYNTAX', message: `no instruction matches '${text.trim()}'` };
}

export function isSlot(x: Slot | ParseFailure): x is Slot {
  return 'op' in x;
}

/** Canonical text of a slot. */
export function printSlot(s: Slot, ctx: FieldCtx): string {
  const d = instr(s.op);
  if (!d) return `<unknown ${s.op}>`;
  let out = '';
  for (const t of tokens(d)) {
    if ('field' in t) out += KINDS[t.field.kind].print(s.f[t.field.name]!, ctx);
    else if ('lit' in t) out += t.lit;
    else if ('space' in t) out += out.endsWith(' ') ? '' : ' ';
  }
  return out;
}
