// Instruction table, part 3: fixed point. 16-bit dual and 8-bit quad SIMD multiply-accumulate
// into 64-bit accumulators held in an even/odd register pair (r{d}:p = r{d} low word, r{d+1}
// high word; exact up to 2^53), rounding shift of an accumulator back to int32, saturation,
// saturating add/sub and 16-bit packing. Opcodes 0x30-0x32 (0x33-0x3F stay reserved).
import { binRow, fImm, fM, fReg, lanes, unRow } from './rows.js';
import { type Emit, type Fields, type InstrDef, macroReg } from './types.js';

const pairVerify = (f: Fields): string | undefined =>
  f.d! % 2 !== 0 || f.d! > 62 ? 'the accumulator pair r{d}:p needs an even register d <= 62' : undefined;

const lane16 = (x: string, hi: boolean): string => (hi ? `(${x} >> 16)` : `((${x} << 16) >> 16)`);
const lane8 = (x: string, i: number): string => `((${x} << ${24 - 8 * i}) >> 24)`;

const macRow = (id: string, sub: number, name: string, doc: string, dot: (a: string, b: string) => string): InstrDef => ({
  id, op: 0x30, sub, subWidth: 3, doc, unit: 'MUL', lat: 'fmac', flops: 0,
  syntax: `{m}r{d}:p += ${name} r{a}, r{b}`,
  fields: [fM, fReg('d'), fReg('a'), fReg('b')],
  verify: pairVerify,
  deps: (f) => {
    const reads: number[] = [];
    const writes: number[] = [];
    for (const k of lanes(f.m!)) {
      reads.push(macroReg(k, f.a!), macroReg(k, f.b!), macroReg(k, f.d!), macroReg(k, f.d! + 1));
      writes.push(macroReg(k, f.d!), macroReg(k, f.d! + 1));
    }
    return { reads, writes };
  },
  emit(e: Emit, f: Fields) {
    for (const k of e.macros(f.m!)) {
      const d = e.r(k, f.d!);
      const a = e.tmp(`I[${e.r(k, f.a!)}]`);
      const b = e.tmp(`I[${e.r(k, f.b!)}]`);
      const v = e.tmp(`H.wget(I[${d}], I[${d + 1}]) + ${dot(a, b)}`);
      e.write(`I[${d}] = H.wlo(${v}); I[${d + 1}] = H.whi(${v});`);
    }
  },
});

const sat = (lo: number, hi: number) => (x: string): string => `Math.min(${hi}, Math.max(${lo}, ${x}))`;

export const FIXED_ROWS: InstrDef[] = [
  macRow('mac16', 0, 'mac16', 'dual 16-bit MAC: r{d}:p += a.lo*b.lo + a.hi*b.hi (signed int16 lanes, 64-bit accumulator pair)',
    (a, b) => `${lane16(a, false)} * ${lane16(b, false)} + ${lane16(a, true)} * ${lane16(b, true)}`),
  macRow('mac8', 1, 'mac8', 'quad 8-bit MAC: r{d}:p += sum of the 4 signed int8 lane products of a and b',
    (a, b) => [0, 1, 2, 3].map((i) => `${lane8(a, i)} * ${lane8(b, i)}`).join(' + ')),
  binRow({ id: 'adds', op: 0x30, sub: 2, doc: 'saturating int32 add', unit: 'ALU', lat: 'alu' },
    '{m}r{d} = adds(r{a}, r{b})', 'I', 'I', (a, b) => sat(-2147483648, 2147483647)(`${a} + ${b}`)),
  binRow({ id: 'subs', op: 0x30, sub: 3, doc: 'saturating int32 subtract', unit: 'ALU', lat: 'alu' },
    '{m}r{d} = subs(r{a}, r{b})', 'I', 'I', (a, b) => sat(-2147483648, 2147483647)(`${a} - ${b}`)),
  binRow({ id: 'pack16', op: 0x30, sub: 4, doc: 'pack two int16: low half from a, high half from b', unit: 'ALU', lat: 'alu' },
    '{m}r{d} = pack16 r{a}, r{b}', 'I', 'I', (a, b) => `(${a} & 0xffff) | (${b} << 16)`),
  {
    id: 'rndsh', op: 0x31, unit: 'SHF', lat: 'shf', flops: 0,
    doc: 'accumulator pair a to int32: shift right by n rounding half up, saturating',
    syntax: '{m}r{d} = rnd r{a}:p >> {n}', fields: [fM, fReg('d'), fReg('a'), fImm('n', 6, false)],
    verify: (f) => (f.a! % 2 !== 0 || f.a! > 62 ? 'the accumulator pair r{a}:p needs an even register a <= 62' : undefined),
    deps: (f) => {
      const reads: number[] = [];
      for (const k of lanes(f.m!)) reads.push(macroReg(k, f.a!), macroReg(k, f.a! + 1));
      return { reads, writes: lanes(f.m!).map((k) => macroReg(k, f.d!)) };
    },
    emit(e, f) {
      for (const k of e.macros(f.m!)) {
        const a = e.r(k, f.a!);
        const v = e.tmp(`H.rnd(H.wget(I[${a}], I[${a + 1}]), ${f.n})`);
        e.write(`I[${e.r(k, f.d!)}] = ${v};`);
      }
    },
  },
  unRow({ id: 'sat16', op: 0x32, sub: 0, doc: 'saturate int32 to the int16 range', unit: 'ALU', lat: 'alu' },
    '{m}r{d} = sat16 r{a}', 'I', 'I', sat(-32768, 32767)),
  unRow({ id: 'sat8', op: 0x32, sub: 1, doc: 'saturate int32 to the int8 range', unit: 'ALU', lat: 'alu' },
    '{m}r{d} = sat8 r{a}', 'I', 'I', sat(-128, 127)),
];
