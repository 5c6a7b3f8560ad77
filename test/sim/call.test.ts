// call / ret / agld through the real assembler and simulator: subroutine linkage, the return
// address stack (overflow and underflow are clear faults), calls inside zero-overhead loops,
// the taken-branch penalty in the cycle count, and address registers loaded from an argument block.
import { describe, expect, test } from 'vitest';
import { assemble, RETURN_STACK_DEPTH } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';
import { isBwvmError } from '../../src/util/errors.js';

const T = getTarget('bwdsp104x');
const sim = (src: string): Simulator => new Simulator(assemble(src, { limits: T }), T);

function faultOf(src: string): { code: string; message: string } {
  try { sim(src).runSync({ maxCycles: 100_000 }); } catch (e) {
    if (isBwvmError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a fault');
}

describe('call and ret', () => {
  test('a subroutine called twice returns to the line after each call', () => {
    const s = sim(`
      xr1 = 0 || xr2 = 5 || xr3 = 0
      call inc
      xr3 = r3 + r2
      call inc
      halt
    inc:
      xr1 = r1 + r2
      ret`);
    for (const mode of ['fast', 'traced'] as const) {
      const r = s.runSync({ mode });
      expect(s.reg(0, 1)).toBe(10);
      expect(s.reg(0, 3)).toBe(5);
      // 5 main lines issued once... each call and ret pays the taken-branch penalty
      const issued = 1 + 4 * 1 + 2 * 2; // main (5 lines incl. halt) + 2 x (2 subroutine lines)
      expect(r.cycles).toBe(issued + 4 * T.branchPenalty);
    }
  });

  test('nested calls up to the stack depth work; one more faults SIM_CALL_DEPTH', () => {
    const chain = (n: number): string => {
      const lines = ['  xr1 = 0', '  call f0', '  halt'];
      for (let i = 0; i < n; i++) lines.push(`f${i}:`, '  xr1 = r1 + 1', i + 1 < n ? `  call f${i + 1}` : '  nop', '  ret');
      return lines.join('\n');
    };
    const ok = sim(chain(RETURN_STACK_DEPTH));
    ok.runSync();
    expect(ok.reg(0, 1)).toBe(RETURN_STACK_DEPTH);
    const e = faultOf(chain(RETURN_STACK_DEPTH + 1));
    expect(e.code).toBe('SIM_CALL_DEPTH');
    expect(e.message).toMatch(/return-address stack overflow/);
    expect(e.message).toMatch(/in: call @\d+/);
  });

  test('ret with an empty stack faults SIM_RET_EMPTY naming the line', () => {
    const e = faultOf('  xr1 = 1\n  ret\n  halt');
    expect(e.code).toBe('SIM_RET_EMPTY');
    expect(e.message).toMatch(/pc 1 .*empty return-address stack/);
  });

  test('a call as the last line of a zero-overhead loop body keeps the loop counting', () => {
    const s = sim(`
      xr1 = 0 || xr2 = 3
      loop end, 4
      xr2 = r2 + 0
      call add3
    end:
      halt
    add3:
      xr1 = r1 + r2
      ret`);
    for (const mode of ['fast', 'traced'] as const) {
      s.runSync({ mode });
      expect(s.reg(0, 1), mode).toBe(12);
    }
  });

  test('a subroutine with its own loop, called from inside a loop', () => {
    const s = sim(`
      xr1 = 0
      loop e1, 3
      call body
      nop
    e1:
      halt
    body:
      loop e2, 5
      xr1 = r1 + 1
    e2:
      ret`);
    s.runSync();
    expect(s.reg(0, 1)).toBe(15);
  });
});

describe('agld: address register from an argument block', () => {
  test('a kernel reads its tensor address from the block and walks it', () => {
    const s = sim(`
      .data
    args: .word 0, buf+2
    buf: .float 1.0, 2.0, 3.0, 4.0, 5.0
      .text
      w14 = args
      u0 = [w14+1]
      xfr1 = [u0+=1,0]
      xfr2 = [u0+=1,0]
      halt`);
    s.runSync();
    expect(s.freg(0, 1)).toBe(3);
    expect(s.freg(0, 2)).toBe(4);
    expect(s.agReg(2, 14)).toBe(s.program.symbols.args!.addr);
  });

  test('a load through an address read outside memory faults SIM_BAD_ADDRESS', () => {
    const e = faultOf('  .data\nargs: .word 0x1fffff\n  .text\n  w1 = args\n  u0 = [w1+0]\n  xr1 = [u0+=0,0]\n  halt');
    expect(e.code).toBe('SIM_BAD_ADDRESS');
  });
});
