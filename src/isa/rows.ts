// Builders for instruction-table rows: field definitions and the common shapes (per-macro binary,
// unary, immediate ops) so each table entry is one short line of data plus its semantics.
import {
  type Emit, type FieldDef, type Fields, type InstrDef, type LatencyClass, type SlotDeps, type UnitClass,
  agReg, macroReg,
} from './types.js';

export const fM: FieldDef = { name: 'm', kind: 'mask', width: 4 };
export const fC: FieldDef = { name: 'c', kind: 'macro', width: 2 };
export const fReg = (name: string): FieldDef => ({ name, kind: 'reg', width: 6 });
export const fAg: FieldDef = { name: 'g', kind: 'ag', width: 6 };
export const fImm = (name: string, width: number, signed = true): FieldDef =>
  ({ name, kind: signed ? 'simm' : 'uimm', width });

/** Macro indices named by a mask, in order x, y, z, t. */
export function lanes(mask: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < 4; k++) if (mask & (1 << k)) out.push(k);
  return out;
}

/** deps for per-macro ops: registers in `srcs` read and `dsts` written on every macro of the mask. */
export function laneDeps(f: Fields, srcs: string[], dsts: string[]): SlotDeps {
  const reads: number[] = [];
  const writes: number[] = [];
  for (const k of lanes(f.m!)) {
    for (const s of srcs) reads.push(macroReg(k, f[s]!));
    for (const d of dsts) writes.push(macroReg(k, f[d]!));
  }
  return { reads, writes };
}

type View = 'I' | 'F';
interface Common {
  id: string;
  op: number;
  sub?: number;
  doc: string;
  unit: UnitClass;
  lat: LatencyClass;
  flops?: number;
  fpAdd?: boolean;
}

/** `{m}<dv>r{d} = <expr of a, b>` on every macro of the mask. */
export function binRow(c: Common, syntax: string, sv: View, dv: View, expr: (a: string, b: string) => string): InstrDef {
  return {
    ...c, syntax, flops: c.flops ?? 0, subWidth: c.sub === undefined ? undefined : 3,
    fields: [fM, fReg('d'), fReg('a'), fReg('b')],
    deps: (f) => laneDeps(f, ['a', 'b'], ['d']),
    emit(e: Emit, f: Fields) {
      for (const k of e.macros(f.m!)) {
        const v = e.tmp(expr(`${sv}[${e.r(k, f.a!)}]`, `${sv}[${e.r(k, f.b!)}]`));
        e.write(`${dv}[${e.r(k, f.d!)}] = ${v};`);
      }
    },
  };
}

/** `{m}<dv>r{d} = <expr of a>` on every macro of the mask. */
export function unRow(c: Common, syntax: string, sv: View, dv: View, expr: (a: string) => string): InstrDef {
  return {
    ...c, syntax, flops: c.flops ?? 0, subWidth: c.sub === undefined ? undefined : 3,
    fields: [fM, fReg('d'), fReg('a')],
    deps: (f) => laneDeps(f, ['a'], ['d']),
    emit(e: Emit, f: Fields) {
      for (const k of e.macros(f.m!)) {
        const v = e.tmp(expr(`${sv}[${e.r(k, f.a!)}]`));
        e.write(`${dv}[${e.r(k, f.d!)}] = ${v};`);
      }
    },
  };
}

/** `{m}r{d} = r{a} <op> {n}` (immediate second operand) on every macro of the mask. */
export function immRow(c: Common, syntax: string, imm: FieldDef, expr: (a: string, n: number) => string): InstrDef {
  return {
    ...c, syntax, flops: 0, subWidth: c.sub === undefined ? undefined : 3,
    fields: [fM, fReg('d'), fReg('a'), imm],
    deps: (f) => laneDeps(f, ['a'], ['d']),
    emit(e: Emit, f: Fields) {
      for (const k of e.macros(f.m!)) {
        const v = e.tmp(expr(`I[${e.r(k, f.a!)}]`, f[imm.name]!));
        e.write(`I[${e.r(k, f.d!)}] = ${v};`);
      }
    },
  };
}

/** deps helper for AG register reads/writes. */
export function agDeps(g: number, reads: number[] = [], writeAg = true): SlotDeps {
  return { reads: [...reads, agReg(g >> 4, g & 15)], writes: [], agWrites: writeAg ? [agReg(g >> 4, g & 15)] : [] };
}
