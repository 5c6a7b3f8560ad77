// Self-tests of the instruction table: every row complete, encodings never overlap, every
// encoding decodes back to itself, and print -> parse is the identity over sampled operands.
import { describe, expect, test } from 'vitest';
import {
  type Emit, type Fields, INSTRUCTIONS, LATENCY_CLASSES, RESERVED_OPCODES, UNIT_CLASSES, decodeSlot, encodeSlot,
  isSlot, parseSlot, printSlot,
} from '../../src/isa/index.js';
import { layoutOf } from '../../src/isa/encode.js';
import { fieldRange } from '../../src/isa/fields.js';

/** Sampled operand sets for a row: each field at min, max, a middle value (others at a middle value). */
function samples(fields: { name: string; kind: string; width: number }[]): Fields[] {
  const out: Fields[] = [];
  const mid = (f: (typeof fields)[number]): number => {
    const [lo, hi] = fieldRange(f as never);
    return Math.max(lo, Math.min(hi, f.kind === 'rel' ? 3 : Math.floor((lo + hi) / 3) || 1));
  };
  const base: Fields = Object.fromEntries(fields.map((f) => [f.name, mid(f)]));
  out.push(base);
  for (const f of fields) {
    const [lo, hi] = fieldRange(f as never);
    for (const v of [lo, hi, lo + 1]) out.push({ ...base, [f.name]: Math.min(v, hi) });
  }
  return out;
}

const PC = 5000;
const ctx = { pc: PC, lookup: () => undefined };

describe('instruction table', () => {
  test('every row has syntax, doc, unit class, latency class, semantics and a fitting encoding', () => {
    expect(INSTRUCTIONS.length).toBeGreaterThan(50);
    for (const d of INSTRUCTIONS) {
      expect(d.syntax.length, d.id).toBeGreaterThan(0);
      expect(d.doc.length, d.id).toBeGreaterThan(5);
      expect([...UNIT_CLASSES, 'CTL'], d.id).toContain(d.unit);
      expect(LATENCY_CLASSES, d.id).toContain(d.lat);
      expect(typeof d.emit, d.id).toBe('function');
      expect(RESERVED_OPCODES, d.id).not.toContain(d.op);
      expect(() => layoutOf(d), d.id).not.toThrow();
      for (const f of d.fields) expect(d.syntax, `${d.id} names {${f.name}}`).toContain(`{${f.name}}`);
    }
  });

  test('every row except nop has semantics that emit code', () => {
    for (const d of INSTRUCTIONS) {
      const code: string[] = [];
      const e: Emit = {
        pc: 10, r: (k, r) => k * 64 + r, ag: (g, i) => g * 16 + i, tmp: (x) => { code.push(x); return 'v'; },
        read: (s) => code.push(s), write: (s) => code.push(s), check: (c) => code.push(c), mem: (a) => code.push(a),
        branch: (c) => code.push(c), halt: () => code.push('halt'), call: (t) => code.push(`call ${t}`), ret: () => code.push('ret'), loop: (e2, c) => code.push(`${e2}${c}`),
        dmaStart: () => code.push('dma'), dmaWait: () => code.push('wait'), macros: (m) => [0, 1, 2, 3].filter((k) => m & (1 << k)),
      };
      const f = samples(d.fields)[0]!;
      d.emit(e, f);
      if (d.id !== 'nop') expect(code.length, d.id).toBeGreaterThan(0);
    }
  });

  test('no two rows can match the same word', () => {
    const masks = INSTRUCTIONS.map((d) => {
      const sw = d.subWidth ?? 0;
      return { d, mask: ((0x3f << 25) | (2 ** sw - 1)) >>> 0, match: ((d.op << 25) | (d.sub ?? 0)) >>> 0 };
    });
    for (let i = 0; i < masks.length; i++) {
      for (let j = i + 1; j < masks.length; j++) {
        const a = masks[i]!, b = masks[j]!;
        const common = a.mask & b.mask;
        expect(((a.match ^ b.match) & common) >>> 0, `${a.d.id} vs ${b.d.id}`).not.toBe(0);
        // and the sub-opcode of one never lands on the other's operand bits
        if (a.d.op === b.d.op) expect(a.d.subWidth, `${a.d.id}/${b.d.id}`).toBe(b.d.subWidth);
      }
    }
  });

  test('decode(encode(x)) == x and parse(print(x)) == x over sampled operands', () => {
    let n = 0;
    for (const d of INSTRUCTIONS) {
      for (const f of samples(d.fields)) {
        if (d.verify?.(f)) continue;
        const slot = { op: d.id, f };
        const w = encodeSlot(slot);
        expect(decodeSlot(w), `${d.id} ${JSON.stringify(f)}`).toEqual(slot);
        expect(encodeSlot(decodeSlot(w))).toBe(w);
        const text = printSlot(slot, ctx);
        const back = parseSlot(text, ctx);
        expect(isSlot(back) ? back : back.message, `${d.id}: '${text}'`).toEqual(slot);
        n++;
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  test('words no row encodes are illegal', () => {
    expect(() => decodeSlot(0x30 << 25)).toThrowError(expect.objectContaining({ code: 'ISA_ILLEGAL' }));
    // fp binary group with a zero mask
    expect(() => decodeSlot((0x01 << 25) >>> 0)).toThrowError(expect.objectContaining({ code: 'ISA_ILLEGAL' }));
    // nop with stray operand bits
    expect(() => decodeSlot(1)).toThrowError(expect.objectContaining({ code: 'ISA_ILLEGAL' }));
  });

  test('operands out of range are rejected by the encoder', () => {
    expect(() => encodeSlot({ op: 'fadd', f: { m: 1, d: 64, a: 0, b: 0 } })).toThrowError(expect.objectContaining({ code: 'ISA_OPERAND_RANGE' }));
    expect(() => encodeSlot({ op: 'nosuch', f: {} })).toThrowError(expect.objectContaining({ code: 'ISA_UNKNOWN_OP' }));
  });
});
