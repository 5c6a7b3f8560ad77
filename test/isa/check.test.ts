// Line legality per target: unit classes per macro (incl. the target-dependent fp-add unit and
// MAC/ALU pairing), issue width, AG ports, registers and macros the target has.
import { describe, expect, test } from 'vitest';
import { assemble, checkLine, instr, lineUsage, unitsOf } from '../../src/isa/index.js';
import { getTarget, loadTarget } from '../../src/target/index.js';

const X104 = getTarget('bwdsp104x');
const X100 = getTarget('bwdsp100');
const line = (src: string) => assemble(src).lines[0]!;
const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' || ');

describe('unit mapping', () => {
  test('fp add runs on the ALU of bwdsp104x and the MAC units of bwdsp100; MAC pairs with an ALU only on bwdsp104x', () => {
    expect(unitsOf(instr('fadd')!, X104)).toEqual(['ALU']);
    expect(unitsOf(instr('fadd')!, X100)).toEqual(['MUL']);
    expect(unitsOf(instr('fmac')!, X104)).toEqual(['MUL', 'ALU']);
    expect(unitsOf(instr('fmac')!, X100)).toEqual(['MUL']);
    expect(unitsOf(instr('load')!, X104)).toEqual([]);
  });
  test('usage counts per macro', () => {
    const u = lineUsage(line(`  xyzt fr1 += fr2 * fr3 || xy fr4 = fr5 + fr6 || x r7 = r8 << 2\n`), X104);
    expect(u[0]).toEqual({ ALU: 2, MUL: 1, SHF: 1, SPU: 0 });
    expect(u[2]).toEqual({ ALU: 1, MUL: 1, SHF: 0, SPU: 0 });
  });
});

describe('limits', () => {
  test('8 fmac + 0 adds fit bwdsp104x; one more fp add oversubscribes its ALUs', () => {
    expect(checkLine(line(`  ${many(8, (i) => `xfr${i} += fr20 * fr21`)}\n`), X104)).toBeUndefined();
    expect(checkLine(line(`  ${many(8, (i) => `xfr${i} += fr20 * fr21`)} || xfr30 = fr1 + fr2\n`), X104)?.code).toBe('ISA_UNITS');
  });
  test('bwdsp100: 4 MAC units shared by fmac and fp add', () => {
    expect(checkLine(line(`  ${many(2, (i) => `xfr${i} += fr20 * fr21`)} || ${many(2, (i) => `xfr${i + 8} = fr1 + fr2`)}\n`), X100)).toBeUndefined();
    expect(checkLine(line(`  ${many(4, (i) => `xfr${i} += fr20 * fr21`)} || xfr30 = fr1 + fr2\n`), X100)?.code).toBe('ISA_UNITS');
  });
  test('smaller user targets: issue width, registers, macros, ports', () => {
    const small = loadTarget({ base: 'bwdsp104x', name: 'small', issueWidth: 2, regsPerMacro: 32, macros: 2, agu: { portsPerLine: 2 } });
    expect(checkLine(line('  xr1 = 1 || xr2 = 2 || xr3 = 3\n'), small)?.code).toBe('ISA_LINE_TOO_WIDE');
    expect(checkLine(line('  xr40 = 1\n'), small)?.code).toBe('ISA_REG_RANGE');
    expect(checkLine(line('  zr1 = 1\n'), small)?.code).toBe('ISA_NO_MACRO');
    expect(checkLine(line('  xr1 = [u0+=1,0] || xr2 = [u1+=1,0]\n'), small)).toBeUndefined();
    expect(checkLine(line('  dma3 wait\n'), loadTarget({ base: 'bwdsp104x', dma: { channels: 2 } }))?.code).toBe('ISA_BAD_OPERAND');
  });
});
