// Instruction table, part 2: loads/stores through the U/V/W address generators, AG arithmetic,
// branches, zero-overhead loops, halt/nop and DMA control. Opcodes 0x00 and 0x10-0x2F.
import { agDeps, fAg, fC, fImm, fM, fReg, lanes } from './rows.js';
import { AG_NAMES, type Emit, type Fields, type InstrDef, agReg, macroReg } from './types.js';

/** Per-lane address offset of a memory access: lane j accesses base + j*n. */
function memAccess(e: Emit, f: Fields, store: boolean): void {
  const ls = e.macros(f.m!);
  const b = e.tmp(`A[${e.ag(f.g! >> 4, f.g! & 15)}]`);
  e.mem(b, ls.length, f.n!, store);
  ls.forEach((k, j) => {
    const addr = j * f.n! === 0 ? b : `${b} + ${j * f.n!}`;
    if (store) {
      const v = e.tmp(`I[${e.r(k, f.d!)}]`);
      e.write(`MI[${addr}] = ${v};`);
    } else {
      const v = e.tmp(`MI[${addr}]`);
      e.write(`I[${e.r(k, f.d!)}] = ${v};`);
    }
  });
  if (f.s !== 0) e.write(`A[${e.ag(f.g! >> 4, f.g! & 15)}] = (${b} + ${f.s}) | 0;`);
}

const memFields = [fM, fReg('d'), fAg, fImm('s', 6), fImm('n', 3, false)];

const agiRow = (g: number): InstrDef => ({
  id: `${AG_NAMES[g]}set`, op: 0x12 + g, unit: 'CTL', lat: 'agu', flops: 0,
  doc: `set ${AG_NAMES[g].toUpperCase()} address register i to an unsigned 21-bit address (number or data symbol)`,
  syntax: `${AG_NAMES[g]}{i} = {a}`, fields: [{ name: 'i', kind: 'agi', width: 4 }, { name: 'a', kind: 'addr', width: 21 }],
  agPort: () => g,
  deps: (f) => ({ reads: [], writes: [], agWrites: [agReg(g, f.i!)] }),
  emit(e, f) { e.write(`A[${e.ag(g, f.i!)}] = ${f.a};`); },
});

const CONDS: Array<[string, string, string]> = [
  ['beq', '==', '==='], ['bne', '!=', '!=='], ['blt', '<', '<'], ['ble', '<=', '<='], ['bgt', '>', '>'], ['bge', '>=', '>='],
];

const condRow = ([id, sym, js]: [string, string, string], i: number): InstrDef => ({
  id, op: 0x21 + i, unit: 'CTL', lat: 'none', flops: 0, ctl: true,
  doc: `branch to label when int32 r{a} ${sym} r{b} on macro c (relative, +-1023 lines)`,
  syntax: `if {c}r{a} ${sym} r{b} b {L}`,
  fields: [fC, fReg('a'), fReg('b'), { name: 'L', kind: 'rel', width: 11 }],
  deps: (f) => ({ reads: [macroReg(f.c!, f.a!), macroReg(f.c!, f.b!)], writes: [] }),
  emit(e, f) {
    const v = e.tmp(`I[${e.r(f.c!, f.a!)}] ${js} I[${e.r(f.c!, f.b!)}]`);
    e.branch(v, e.pc + f.L!);
  },
});

const loopVerify = (f: Fields): string | undefined =>
  f.L! < 2 ? 'the loop end label must come after at least one body line (loop END, count; ...body...; END:)' : undefined;

export const MEMCTL_ROWS: InstrDef[] = [
  {
    id: 'nop', op: 0x00, unit: 'CTL', lat: 'none', flops: 0, doc: 'no operation (also code-alignment padding)',
    syntax: 'nop', fields: [], deps: () => ({ reads: [], writes: [] }), emit() {},
  },
  {
    id: 'load', op: 0x10, unit: 'CTL', lat: 'load', flops: 0,
    doc: 'load: lane j of the mask (in x,y,z,t order) gets word [g + j*n]; then g += s. n=0 broadcasts one word, n=1 gives consecutive words',
    syntax: '{m}(f)r{d} = [{g}+={s},{n}]', fields: memFields, agPort: (f) => f.g! >> 4,
    deps: (f) => { const d = agDeps(f.g!, [], f.s !== 0); d.writes = lanes(f.m!).map((k) => macroReg(k, f.d!)); return d; },
    emit: (e, f) => memAccess(e, f, false),
  },
  {
    id: 'store', op: 0x11, unit: 'CTL', lat: 'none', flops: 0,
    doc: 'store: word [g + j*n] gets register d of lane j; then g += s (n must be >0 when several macros store)',
    syntax: '[{g}+={s},{n}] = {m}(f)r{d}', fields: memFields, agPort: (f) => f.g! >> 4,
    deps: (f) => agDeps(f.g!, lanes(f.m!).map((k) => macroReg(k, f.d!)), f.s !== 0),
    emit: (e, f) => memAccess(e, f, true),
    verify: (f) => (f.n === 0 && lanes(f.m!).length > 1 ? 'several macros storing to one address: use a lane stride n >= 1' : undefined),
  },
  agiRow(0), agiRow(1), agiRow(2),
  {
    id: 'agadd', op: 0x15, unit: 'CTL', lat: 'agu', flops: 0, doc: 'add a signed 19-bit immediate to an address register',
    syntax: '{g} += {s}', fields: [fAg, fImm('s', 19)], agPort: (f) => f.g! >> 4,
    deps: (f) => agDeps(f.g!),
    emit(e, f) { const i = e.ag(f.g! >> 4, f.g! & 15); e.write(`A[${i}] = (A[${i}] + ${f.s}) | 0;`); },
  },
  {
    id: 'agfrom', op: 0x16, unit: 'CTL', lat: 'agu', flops: 0, doc: 'address register from a macro register',
    syntax: '{g} = {c}r{a}', fields: [fAg, fC, fReg('a')], agPort: (f) => f.g! >> 4,
    deps: (f) => ({ reads: [macroReg(f.c!, f.a!)], writes: [], agWrites: [agReg(f.g! >> 4, f.g! & 15)] }),
    emit(e, f) { const v = e.tmp(`I[${e.r(f.c!, f.a!)}]`); e.write(`A[${e.ag(f.g! >> 4, f.g! & 15)}] = ${v};`); },
  },
  {
    id: 'agto', op: 0x17, unit: 'ALU', lat: 'alu', flops: 0, doc: 'macro register(s) from an address register',
    syntax: '{m}r{d} = {g}', fields: [fM, fReg('d'), fAg],
    deps: (f) => ({ reads: [agReg(f.g! >> 4, f.g! & 15)], writes: lanes(f.m!).map((k) => macroReg(k, f.d!)) }),
    emit(e, f) {
      const v = e.tmp(`A[${e.ag(f.g! >> 4, f.g! & 15)}]`);
      for (const k of e.macros(f.m!)) e.write(`I[${e.r(k, f.d!)}] = ${v};`);
    },
  },
  {
    id: 'b', op: 0x20, unit: 'CTL', lat: 'none', flops: 0, ctl: true, doc: 'unconditional branch to a code label',
    syntax: 'b {L}', fields: [{ name: 'L', kind: 'abs', width: 20 }], deps: () => ({ reads: [], writes: [] }),
    emit(e, f) { e.branch('true', f.L!); },
  },
  ...CONDS.map(condRow),
  {
    id: 'loop', op: 0x27, unit: 'CTL', lat: 'none', flops: 0, ctl: true,
    doc: 'zero-overhead loop: repeat the lines after this one up to (not including) label END, count times (0 skips)',
    syntax: 'loop {L}, {n}', fields: [{ name: 'L', kind: 'rel', width: 10 }, fImm('n', 15, false)],
    deps: () => ({ reads: [], writes: [] }), verify: loopVerify,
    emit(e, f) { e.loop(e.pc + f.L!, String(f.n)); },
  },
  {
    id: 'loopr', op: 0x28, unit: 'CTL', lat: 'none', flops: 0, ctl: true,
    doc: 'zero-overhead loop with the count in an int32 register of macro c',
    syntax: 'loop {L}, {c}r{a}', fields: [{ name: 'L', kind: 'rel', width: 10 }, fC, fReg('a')],
    deps: (f) => ({ reads: [macroReg(f.c!, f.a!)], writes: [] }), verify: loopVerify,
    emit(e, f) { e.loop(e.pc + f.L!, e.tmp(`I[${e.r(f.c!, f.a!)}]`)); },
  },
  {
    id: 'halt', op: 0x29, unit: 'CTL', lat: 'none', flops: 0, ctl: true, doc: 'stop (waits for outstanding DMA)',
    syntax: 'halt', fields: [], deps: () => ({ reads: [], writes: [] }), emit(e) { e.halt(); },
  },
  ...[0, 1].map((dir): InstrDef => ({
    id: dir === 0 ? 'dmain' : 'dmaout', op: 0x2a, sub: dir, subWidth: 1, unit: 'CTL', lat: 'none', flops: 0, dma: true,
    doc: `start DMA channel ch ${dir === 0 ? 'DDR -> on-chip' : 'on-chip -> DDR'}; descriptor in macro c regs a..a+5 = ` +
      'src, dst, row length (words), rows, src row stride, dst row stride',
    syntax: `dma{ch} ${dir === 0 ? 'in' : 'out'} {c}r{a}`,
    fields: [{ name: 'ch', kind: 'chan', width: 2 }, fC, fReg('a')],
    deps: (f) => ({ reads: [0, 1, 2, 3, 4, 5].map((i) => macroReg(f.c!, f.a! + i)), writes: [] }),
    verify: (f) => (f.a! + 5 > 63 ? 'the DMA descriptor needs 6 registers a..a+5 (a <= 58)' : undefined),
    emit(e, f) { e.dmaStart(f.ch!, dir, f.c!, f.a!); },
  })),
  {
    id: 'dmawait', op: 0x2b, unit: 'CTL', lat: 'none', flops: 0, dma: true, doc: 'stall until DMA channel ch is idle',
    syntax: 'dma{ch} wait', fields: [{ name: 'ch', kind: 'chan', width: 2 }], deps: () => ({ reads: [], writes: [] }),
    emit(e, f) { e.dmaWait(f.ch!); },
  },
];
