// Instruction table, part 4: subroutine linkage for the DSP runtime's calling convention: `call`
// and `ret` through a hardware return-address stack of RETURN_STACK_DEPTH entries (overflow and
// underflow are simulator faults), and `agld`, which loads an address register from an argument
// block (a kernel reads its tensor addresses this way). Opcodes 0x2c-0x2e.
import { fImm } from './rows.js';
import { type InstrDef, agReg } from './types.js';

/** Entries of the hardware return-address stack (nested calls deeper than this fault). */
export const RETURN_STACK_DEPTH = 8;

export const CALL_ROWS: InstrDef[] = [
  {
    id: 'call', op: 0x2c, unit: 'CTL', lat: 'none', flops: 0, ctl: true,
    doc: `call a subroutine: push the next line on the return-address stack (${RETURN_STACK_DEPTH} entries) and branch to the label (taken-branch penalty)`,
    syntax: 'call {L}', fields: [{ name: 'L', kind: 'abs', width: 20 }], deps: () => ({ reads: [], writes: [] }),
    emit(e, f) { e.call(f.L!); },
  },
  {
    id: 'ret', op: 0x2d, unit: 'CTL', lat: 'none', flops: 0, ctl: true,
    doc: 'return from a subroutine: pop the return-address stack and branch there (taken-branch penalty); an empty stack faults',
    syntax: 'ret', fields: [], deps: () => ({ reads: [], writes: [] }),
    emit(e) { e.ret(); },
  },
  {
    id: 'agld', op: 0x2e, unit: 'CTL', lat: 'load', flops: 0,
    doc: 'load address register g from on-chip word [h + s] (h unchanged): how a kernel reads a tensor address from its argument block',
    syntax: '{g} = [{h}+{s}]',
    fields: [{ name: 'g', kind: 'ag', width: 6 }, { name: 'h', kind: 'ag', width: 6 }, fImm('s', 12, false)],
    agPort: (f) => f.h! >> 4,
    deps: (f) => ({ reads: [agReg(f.h! >> 4, f.h! & 15)], writes: [agReg(f.g! >> 4, f.g! & 15)] }),
    emit(e, f) {
      const h = e.tmp(`A[${e.ag(f.h! >> 4, f.h! & 15)}]`);
      const a = e.tmp(`(${h} + ${f.s}) | 0`);
      e.mem(a, 1, 0, false);
      const v = e.tmp(`MI[${a}]`);
      e.write(`A[${e.ag(f.g! >> 4, f.g! & 15)}] = ${v};`);
    },
  },
];
