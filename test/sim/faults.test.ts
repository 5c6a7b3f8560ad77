// Fault corpus: each bad program gives its specific BwvmError code (with line:col for assembly
// errors, PC and source line for run-time faults); the host never crashes.
import { describe, expect, test } from 'vitest';
import { assemble, decodeLines, encodeSlot, P_BIT } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget, loadTarget } from '../../src/target/index.js';
import { isBwvmError } from '../../src/util/errors.js';

const T = getTarget('bwdsp104x');

function code(fn: () => unknown): { code: string; message: string } {
  try { fn(); } catch (e) {
    if (isBwvmError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a BwvmError');
}

describe('assembly errors carry code and file:line:col', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['syntax error', 'main:\n  xr1 = r2 +* r3\n', 'ASM_SYNTAX', /f\.s:2:3: no instruction matches/],
    ['unknown label', '  b nowhere\n', 'ASM_UNKNOWN_SYMBOL', /f\.s:1:3: unknown symbol 'nowhere'/],
    ['unknown data symbol', '  u0 = missing\n', 'ASM_UNKNOWN_SYMBOL', /f\.s:1:3:/],
    ['operand out of range', '  nop\n  xr70 = r1\n', 'ASM_OPERAND_RANGE', /f\.s:2:3: .*d = 70/],
    ['immediate out of range', '  xr1 = 40000\n', 'ASM_OPERAND_RANGE', /f\.s:1:3:/],
    ['duplicate label', 'a:\n  nop\na:\n  halt\n', 'ASM_DUPLICATE_LABEL', /f\.s:3:1:/],
    ['register-like label', 'r5:\n  nop\n', 'ASM_BAD_LABEL', /f\.s:1:1:/],
    ['unknown directive', '.frobnicate 3\n', 'ASM_BAD_DIRECTIVE', /f\.s:1:1: unknown directive/],
    ['too many instructions in a line', `  ${Array.from({ length: 17 }, (_, i) => `xr${i} = 1`).join(' || ')}\n`, 'ASM_LINE_TOO_WIDE', /f\.s:1:3:/],
    ['unit over-subscription', `  ${Array.from({ length: 9 }, (_, i) => `xfr${i} = fr20 * fr21`).join(' || ')}\n`, 'ASM_UNITS', /9 MUL units on macro X/],
    ['two slots on one address generator', '  xr1 = [u0+=1,0] || xr2 = [u1+=1,0]\n', 'ASM_AG_PORTS', /f\.s:1:22:/],
    ['two writes to one register', '  xr1 = 1 || xr1 = 2\n', 'ASM_WRITE_CONFLICT', /f\.s:1:14:/],
    ['two branches in a line', 'a:\n  b a || halt\n', 'ASM_TWO_BRANCHES', /f\.s:2:10:/],
    ['empty loop body', '  loop e, 3\ne:\n  halt\n', 'ASM_BAD_OPERAND', /at least one body line/],
    ['multi-macro store to one address', '  [u0+=1,0] = xy r1\n', 'ASM_BAD_OPERAND', /lane stride/],
  ];
  for (const [name, src, want, msg] of cases) {
    test(name, () => {
      const e = code(() => assemble(src, { file: 'f.s', limits: T }));
      expect(e.code).toBe(want);
      expect(e.message).toMatch(msg);
    });
  }
});

describe('load-time rejection', () => {
  test('illegal encoding', () => {
    const words = Uint32Array.from([encodeSlot({ op: 'nop', f: {} }), 0x3f << 25]);
    expect(code(() => decodeLines(words))).toMatchObject({ code: 'ISA_ILLEGAL', message: expect.stringMatching(/word 1/) });
    expect(code(() => decodeLines(Uint32Array.from([P_BIT]))).code).toBe('ISA_ILLEGAL');
  });
  test('a line needing units the target lacks is rejected when loaded', () => {
    const p = assemble(`  ${Array.from({ length: 5 }, (_, i) => `xfr${i} = fr20 * fr21`).join(' || ')}\n  halt\n`, { limits: T });
    expect(code(() => new Simulator(p, getTarget('bwdsp100'))).code).toBe('ISA_UNITS'); // 4 MACs per macro
    expect(() => new Simulator(p, T)).not.toThrow();
  });
  test('a hand-built Program with a branch outside the code', () => {
    const p = assemble('  halt\n');
    p.lines.unshift({ slots: [{ op: 'b', f: { L: 99 } }] });
    expect(code(() => new Simulator(p, T)).code).toBe('SIM_BAD_TARGET');
  });
  test('an instruction id not in the table', () => {
    const p = assemble('  halt\n');
    p.lines[0]!.slots[0] = { op: 'frob', f: {} };
    expect(code(() => new Simulator(p, T)).code).toBe('ISA_UNKNOWN_OP');
  });
});

describe('run-time faults carry PC and source line', () => {
  const runFault = (src: string, target = T, maxCycles = 10_000) =>
    code(() => new Simulator(assemble(src, { limits: target, file: 'r.s' }), target).runSync({ maxCycles }));

  test('bad address', () => {
    const e = runFault('  xr1 = 1\n  u0 = 786430\n  xyzt r2 = [u0+=0,1]\n  halt\n');
    expect(e.code).toBe('SIM_BAD_ADDRESS');
    expect(e.message).toMatch(/pc 2 \(r\.s:3\): load from on-chip words 786430\.\.786433/);
    expect(e.message).toContain('in: xyzt r2 = [u0+=0,1]');
  });
  test('negative address', () => {
    expect(runFault('  u0 += -1\n  [u0+=0,0] = xr1\n  halt\n').code).toBe('SIM_BAD_ADDRESS');
  });
  test('misaligned wide access on a target that requires alignment', () => {
    const strict = loadTarget({ base: 'bwdsp104x', name: 'strict', memory: { wideAccessAlign: true } });
    const e = runFault('  u0 = 2\n  xyzt r1 = [u0+=4,1]\n  halt\n', strict);
    expect(e.code).toBe('SIM_MISALIGNED');
    expect(e.message).toMatch(/pc 1 \(r\.s:2\)/);
  });
  test('runaway loop hits the cycle limit', () => {
    const e = runFault('spin:\n  nop\n  b spin\n', T, 5000);
    expect(e.code).toBe('SIM_CYCLE_LIMIT');
    expect(e.message).toMatch(/no halt after 5000 cycles/);
  });
  test('too deeply nested loops', () => {
    const src = ['  loop e4, 2', '  loop e4, 2', '  loop e4, 2', '  loop e4, 2', '  loop e4, 2', '  nop', 'e4:', '  halt'].join('\n');
    expect(runFault(src).code).toBe('SIM_LOOP_DEPTH');
  });
  test('an aborted signal interrupts a run', async () => {
    const sim = new Simulator(assemble('spin:\n  nop\n  b spin\n'), T);
    const ac = new AbortController();
    const run = sim.run({ signal: ac.signal, maxCycles: 1e12 });
    setTimeout(() => ac.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: 'SIM_ABORTED' });
  });
  test('an aborted signal interrupts a long fused zero-overhead loop in fast mode', async () => {
    const sim = new Simulator(assemble('  loop o, 30000\n  loop i, 30000\n  nop\ni:\n  nop\no:\n  halt\n'), T);
    const ac = new AbortController();
    const run = sim.run({ signal: ac.signal, maxCycles: 1e12 });
    setTimeout(() => ac.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: 'SIM_ABORTED' });
  });
  test('unknown input symbol and oversized input', () => {
    const sim = new Simulator(assemble('.data\nx: .space 2\n.text\n  halt\n'), T);
    expect(code(() => sim.setInput('y', [1])).code).toBe('SIM_UNKNOWN_SYMBOL');
    expect(code(() => sim.setInput('x', [1, 2, 3])).code).toBe('SIM_SYMBOL_SIZE');
  });
});
