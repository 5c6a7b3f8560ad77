// Binary encoding: every slot is one 32-bit word. Bit 31 = P ("another slot of this execution line
// follows"), bits 30..25 = primary opcode, operand fields packed from bit 24 downward in table
// order, an optional sub-opcode in the lowest bits; every unused bit must be zero (strict decode).
import { BwvmError } from '../util/errors.js';
import { fieldRange } from './fields.js';
import { INSTRUCTIONS, instr, rowsForOpcode } from './table.js';
import type { ExecLine, Fields, InstrDef, Slot } from './types.js';

export const P_BIT = 0x80000000;

interface Layout {
  lo: number[]; // low bit of each field
  used: number; // mask of bits owned by opcode, fields and sub-opcode
}
const layouts = new Map<InstrDef, Layout>();

/** Bit positions of a row's fields (computed once). Throws if the row does not fit 25 bits. */
export function layoutOf(d: InstrDef): Layout {
  let l = layouts.get(d);
  if (l) return l;
  let hi = 25;
  const lo: number[] = [];
  let used = (0x3f << 25) >>> 0;
  for (const fd of d.fields) {
    hi -= fd.width;
    lo.push(hi);
    used = (used | (((2 ** fd.width - 1) * 2 ** hi) >>> 0)) >>> 0;
  }
  const sw = d.subWidth ?? 0;
  if (hi < sw) throw new Error(`instruction ${d.id}: fields need ${25 - hi} bits + sub-opcode ${sw} > 25`);
  used = (used | (2 ** sw - 1)) >>> 0;
  l = { lo, used };
  layouts.set(d, l);
  return l;
}

/** Encode one slot (P bit clear). Throws ISA_OPERAND_RANGE / ISA_UNKNOWN_OP. */
export function encodeSlot(s: Slot): number {
  const d = instr(s.op);
  if (!d) throw new BwvmError('ISA_UNKNOWN_OP', `unknown instruction '${s.op}'`, { hint: 'see docs/ISA.md for the instruction ids' });
  const { lo } = layoutOf(d);
  let w = d.op * 2 ** 25 + (d.sub ?? 0);
  d.fields.forEach((fd, i) => {
    const v = s.f[fd.name];
    const [min, max] = fieldRange(fd);
    if (v === undefined || !Number.isInteger(v) || v < min || v > max) {
      throw new BwvmError('ISA_OPERAND_RANGE', `${d.id}: operand ${fd.name} = ${v} is outside ${min}..${max}`,
        { hint: `use a value in ${min}..${max} for '${fd.name}' of ${d.syntax}` });
    }
    const u = v < 0 ? v + 2 ** fd.width : v;
    w += u * 2 ** lo[i]!;
  });
  return w >>> 0;
}

/** Decode one 32-bit slot word (P bit ignored). Throws ISA_ILLEGAL for words no row encodes. */
export function decodeSlot(word: number): Slot {
  const w = (word & 0x7fffffff) >>> 0;
  const op = (w >>> 25) & 0x3f;
  for (const d of rowsForOpcode(op)) {
    const sw = d.subWidth ?? 0;
    if (sw && (w & (2 ** sw - 1)) !== d.sub) continue;
    const { lo, used } = layoutOf(d);
    if ((w & ~used & 0x7fffffff) !== 0) continue;
    const f: Fields = {};
    d.fields.forEach((fd, i) => {
      let v = Math.floor(w / 2 ** lo[i]!) & (2 ** fd.width - 1);
      const [min] = fieldRange(fd);
      if (min < 0 && v >= 2 ** (fd.width - 1)) v -= 2 ** fd.width;
      f[fd.name] = v;
    });
    if (d.fields.some((fd, i) => { const [mn, mx] = fieldRange(fd); return f[fd.name]! < mn || f[fd.name]! > mx || lo[i]! < 0; })) continue;
    return { op: d.id, f };
  }
  throw new BwvmError('ISA_ILLEGAL', `illegal instruction word 0x${w.toString(16).padStart(8, '0')} (opcode 0x${op.toString(16)})`,
    { hint: 'the word does not match any row of the instruction table; was the binary built for this ISA version?' });
}

/** Encode execution lines as a slot stream with P bits chaining the slots of a line. */
export function encodeLines(lines: readonly ExecLine[]): Uint32Array {
  const out: number[] = [];
  for (const line of lines) {
    const slots = line.slots.length ? line.slots : [{ op: 'nop', f: {} }];
    slots.forEach((s, i) => out.push((encodeSlot(s) | (i < slots.length - 1 ? P_BIT : 0)) >>> 0));
  }
  return Uint32Array.from(out);
}

/** Decode a slot stream back into execution lines. Throws ISA_ILLEGAL with the word index. */
export function decodeLines(words: Uint32Array): ExecLine[] {
  const lines: ExecLine[] = [];
  let cur: Slot[] = [];
  words.forEach((w, i) => {
    try {
      cur.push(decodeSlot(w));
    } catch (e) {
      if (e instanceof BwvmError) {
        throw new BwvmError(e.code, `word ${i} (line ${lines.length}): ${e.message}`, { hint: e.hint, details: { word: i, line: lines.length } });
      }
      throw e;
    }
    if (!(w & P_BIT)) { lines.push({ slots: cur }); cur = []; }
  });
  if (cur.length) throw new BwvmError('ISA_ILLEGAL', 'slot stream ends inside an execution line (last word has the P bit set)');
  return lines;
}

/** Number of rows (for tests/docs). */
export const ROW_COUNT = INSTRUCTIONS.length;
