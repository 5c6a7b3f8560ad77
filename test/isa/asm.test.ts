// Assembler and disassembler: directives, labels, `||` and continuation lines, code alignment,
// data symbols, regions; encode -> decode and assemble(disassemble(p)) round trips.
import { describe, expect, test } from 'vitest';
import { type Program, assemble, decodeLines, disassemble, encodeLines } from '../../src/isa/index.js';

const SRC = `
// a program touching most directives
.global main, out
.data
.align 4
vec: .float 1.5, -2, 3.25   ; three floats
ptr: .word vec+1, 0x10, -1
.space 5
out: .space 4
.ddr
big: .space 100
.text
main:
    u0 = vec || v0 = out || xyzt r0 = 0 ||
    w0 = big
    .code_align 16
.region body
    loop done, 3
    xyzt r1 = [u0+=1,0]
    xyzt fr0 += fr1 * fr1
done:
    [v0+=4,1] = xyzt r0
.endregion
    if xr0 != r0 b main
    halt
`;

const strip = (p: Program) => ({ ...p, lines: p.lines.map((l) => ({ slots: l.slots.map((s) => ({ op: s.op, f: { ...s.f } })) })) });

describe('assembler', () => {
  const p = assemble(SRC, { file: 'demo.s' });

  test('symbols, data and layout', () => {
    expect(p.symbols.vec).toMatchObject({ space: 'chip', addr: 0, size: 3 });
    expect(p.symbols.ptr).toMatchObject({ space: 'chip', addr: 3, size: 8 });
    expect(p.symbols.out).toMatchObject({ space: 'chip', addr: 11, size: 4, global: true });
    expect(p.symbols.big).toMatchObject({ space: 'ddr', addr: 0, size: 100 });
    expect(p.symbols.main).toMatchObject({ space: 'code', addr: 0, global: true });
    expect(p.chipTop).toBe(15);
    expect(p.ddrTop).toBe(100);
    const chip = p.data.filter((d) => d.space === 'chip');
    expect(chip).toHaveLength(1);
    expect(Array.from(new Float32Array(chip[0]!.words.buffer, 0, 3))).toEqual([1.5, -2, 3.25]);
    expect(Array.from(chip[0]!.words.slice(3, 6))).toEqual([1, 0x10, 0xffffffff]);
  });

  test('execution lines, continuation, alignment padding, regions, source locations', () => {
    expect(p.lines[0]!.slots.map((s) => s.op)).toEqual(['uset', 'vset', 'movi', 'wset', ...Array(12).fill('nop')]);
    expect(p.lines[0]!.loc).toEqual({ line: 14, col: 5, file: 'demo.s' });
    expect(p.lines[1]!.slots[0]).toEqual({ op: 'loop', f: { L: 3, n: 3 } });
    expect(p.regions).toEqual([{ name: 'body', start: 1, end: 5 }]);
    expect(p.lines[5]!.slots[0]!.f.L).toBe(-5);
  });

  test('encode -> decode round trip', () => {
    const words = encodeLines(p.lines);
    expect(words.length).toBe(p.lines.reduce((n, l) => n + l.slots.length, 0));
    expect(decodeLines(words)).toEqual(strip(p).lines);
  });

  test('assemble(disassemble(p)) reproduces lines, data, regions and symbols', () => {
    const text = disassemble(p);
    const q = assemble(text);
    expect(strip(q).lines).toEqual(strip(p).lines);
    expect(q.data.map((d) => [d.space, d.base, Array.from(d.words)])).toEqual(p.data.map((d) => [d.space, d.base, Array.from(d.words)]));
    expect(q.regions).toEqual(p.regions);
    expect([q.chipTop, q.ddrTop, q.entry]).toEqual([p.chipTop, p.ddrTop, p.entry]);
    for (const s of Object.values(p.symbols)) expect(q.symbols[s.name]).toEqual(s);
    expect(disassemble(q)).toBe(text);
  });

  test('without .region, code labels delimit regions', () => {
    const r = assemble('  nop\nfirst:\n  nop\n  nop\n.second:\n  nop\nthird:\n  halt\n');
    expect(r.regions).toEqual([{ name: '(top)', start: 0, end: 1 }, { name: 'first', start: 1, end: 4 }, { name: 'third', start: 4, end: 5 }]);
  });

  test('macro prefixes: several letters, spacing, fr spelling for untyped ops', () => {
    const q = assemble('  xyzt fr1 = fr2 + fr3 || ty r4 = [w2+=-3,2] || zfr5 = fr6\n');
    expect(q.lines[0]!.slots).toEqual([
      { op: 'fadd', f: { m: 15, d: 1, a: 2, b: 3 } },
      { op: 'load', f: { m: 10, d: 4, g: 34, s: -3, n: 2 } },
      { op: 'mov', f: { m: 4, d: 5, a: 6 } },
    ]);
  });
});
