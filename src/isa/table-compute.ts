// Instruction table, part 1: per-macro compute (fp32, integer ALU, shifts, compares, conversions,
// special functions) and cross-macro transfer/reduction. Opcodes 0x01-0x0F.
import { binRow, fImm, fC, fM, fReg, immRow, lanes, unRow } from './rows.js';
import { type InstrDef, macroReg } from './types.js';

const fp2 = (id: string, sub: number, sym: string, doc: string, unit: 'ALU' | 'MUL', lat: 'fadd' | 'fmul', flops: number,
  expr: (a: string, b: string) => string): InstrDef =>
  binRow({ id, op: 0x01, sub, doc, unit, lat, flops, fpAdd: unit === 'ALU' }, `{m}fr{d} = ${sym}`, 'F', 'F', expr);

const fcmp = (id: string, sub: number, rel: string, doc: string): InstrDef =>
  binRow({ id, op: 0x01, sub, doc, unit: 'ALU', lat: 'alu', fpAdd: true }, `{m}r{d} = fr{a} ${rel} fr{b}`, 'F', 'I',
    (a, b) => `(${a} ${rel === '==' ? '===' : rel} ${b} ? 1 : 0)`);

const int2 = (id: string, op: number, sub: number, sym: string, doc: string, expr: (a: string, b: string) => string,
  unit: 'ALU' | 'MUL' | 'SHF' = 'ALU'): InstrDef =>
  binRow({ id, op, sub, doc, unit, lat: unit === 'MUL' ? 'fmul' : unit === 'SHF' ? 'shf' : 'alu' },
    `{m}r{d} = ${sym}`, 'I', 'I', expr);

const fun = (id: string, sub: number, name: string, doc: string, unit: 'ALU' | 'SPU', lat: 'alu' | 'conv' | 'spu',
  sv: 'I' | 'F', dv: 'I' | 'F', expr: (a: string) => string): InstrDef =>
  unRow({ id, op: 0x03, sub, doc, unit, lat }, `{m}${dv === 'F' ? 'f' : ''}r{d} = ${name} ${sv === 'F' ? 'f' : ''}r{a}`, sv, dv, expr);

const macRow = (id: string, sub: number, sym: string, sign: string, doc: string): InstrDef => ({
  id, op: 0x02, sub, subWidth: 3, doc, unit: 'MUL', mac: true, lat: 'fmac', flops: 2,
  syntax: `{m}fr{d} ${sym} fr{a} * fr{b}`,
  fields: [fM, fReg('d'), fReg('a'), fReg('b')],
  deps: (f) => {
    const reads: number[] = [];
    const writes: number[] = [];
    for (const k of lanes(f.m!)) {
      reads.push(macroReg(k, f.a!), macroReg(k, f.b!), macroReg(k, f.d!));
      writes.push(macroReg(k, f.d!));
    }
    return { reads, writes };
  },
  emit(e, f) {
    for (const k of e.macros(f.m!)) {
      const d = e.r(k, f.d!);
      const v = e.tmp(`F[${d}] ${sign} F[${e.r(k, f.a!)}] * F[${e.r(k, f.b!)}]`);
      e.write(`F[${d}] = ${v};`);
    }
  },
});

const shImm = (id: string, sub: number, sym: string, doc: string, js: string): InstrDef =>
  immRow({ id, op: 0x06, sub, doc, unit: 'SHF', lat: 'shf' }, `{m}r{d} = r{a} ${sym} {n}`, fImm('n', 5, false),
    (a, n) => `(${a} ${js} ${n}) | 0`);

const reduceRow = (id: string, sub: number, fp: boolean): InstrDef => ({
  id, op: 0x0b, sub, subWidth: 3, unit: 'SPU', lat: 'reduce', flops: 0, flopsPerSlot: fp ? 3 : 0,
  doc: `${fp ? 'fp32' : 'int32'} sum of register a over all macros (X+Y+Z+T), written to each macro of the mask`,
  syntax: fp ? '{m}fr{d} = sum fr{a}' : '{m}r{d} = sum r{a}',
  fields: [fM, fReg('d'), fReg('a')],
  deps: (f) => ({
    reads: [0, 1, 2, 3].map((k) => macroReg(k, f.a!)),
    writes: lanes(f.m!).map((k) => macroReg(k, f.d!)),
  }),
  emit(e, f) {
    const all = e.macros(15);
    const v = fp
      ? e.tmp(all.map((k) => `F[${e.r(k, f.a!)}]`).reduce((x, y) => `Math.fround(${x} + ${y})`))
      : e.tmp(`(${all.map((k) => `I[${e.r(k, f.a!)}]`).join(' + ')}) | 0`);
    for (const k of e.macros(f.m!)) e.write(`${fp ? 'F' : 'I'}[${e.r(k, f.d!)}] = ${v};`);
  },
});

export const COMPUTE_ROWS: InstrDef[] = [
  // fp32 arithmetic (group 0x01)
  fp2('fadd', 0, 'fr{a} + fr{b}', 'fp32 add', 'ALU', 'fadd', 1, (a, b) => `${a} + ${b}`),
  fp2('fsub', 1, 'fr{a} - fr{b}', 'fp32 subtract', 'ALU', 'fadd', 1, (a, b) => `${a} - ${b}`),
  fp2('fmul', 2, 'fr{a} * fr{b}', 'fp32 multiply', 'MUL', 'fmul', 1, (a, b) => `${a} * ${b}`),
  fp2('fmax', 3, 'max(fr{a}, fr{b})', 'fp32 maximum (ReLU with a zero register)', 'ALU', 'fadd', 0,
    (a, b) => `(${a} >= ${b} ? ${a} : ${b})`),
  fp2('fmin', 4, 'min(fr{a}, fr{b})', 'fp32 minimum', 'ALU', 'fadd', 0, (a, b) => `(${a} <= ${b} ? ${a} : ${b})`),
  fcmp('feq', 5, '==', 'fp32 compare equal: 1 or 0 into an integer register'),
  fcmp('flt', 6, '<', 'fp32 compare less-than: 1 or 0'),
  fcmp('fle', 7, '<=', 'fp32 compare less-or-equal: 1 or 0'),
  // multiply-accumulate (group 0x02)
  macRow('fmac', 0, '+=', '+', 'fp32 multiply-accumulate d += a*b (product exact, one final rounding to fp32)'),
  macRow('fmsub', 1, '-=', '-', 'fp32 multiply-subtract d -= a*b (product exact, one final rounding to fp32)'),
  // unary (group 0x03)
  fun('fabs', 0, 'abs', 'fp32 absolute value', 'ALU', 'alu', 'F', 'F', (a) => `Math.abs(${a})`),
  fun('fneg', 1, 'neg', 'fp32 negate', 'ALU', 'alu', 'F', 'F', (a) => `-${a}`),
  fun('i2f', 2, 'float', 'int32 to fp32 conversion', 'ALU', 'conv', 'I', 'F', (a) => a),
  fun('f2i', 3, 'int', 'fp32 to int32, truncating toward zero, saturating (NaN -> 0)', 'ALU', 'conv', 'F', 'I',
    (a) => `H.f2i(${a})`),
  fun('recip', 4, 'recip', 'fp32 reciprocal 1/a (special unit)', 'SPU', 'spu', 'F', 'F', (a) => `1 / ${a}`),
  fun('rsqrt', 5, 'rsqrt', 'fp32 reciprocal square root (special unit)', 'SPU', 'spu', 'F', 'F', (a) => `1 / Math.sqrt(${a})`),
  fun('sqrt', 6, 'sqrt', 'fp32 square root (special unit)', 'SPU', 'spu', 'F', 'F', (a) => `Math.sqrt(${a})`),
  // integer (groups 0x04, 0x05)
  int2('add', 0x04, 0, 'r{a} + r{b}', 'int32 add (wraps)', (a, b) => `(${a} + ${b}) | 0`),
  int2('sub', 0x04, 1, 'r{a} - r{b}', 'int32 subtract (wraps)', (a, b) => `(${a} - ${b}) | 0`),
  int2('and', 0x04, 2, 'r{a} & r{b}', 'bitwise and', (a, b) => `${a} & ${b}`),
  int2('or', 0x04, 3, 'r{a} | r{b}', 'bitwise or', (a, b) => `${a} | ${b}`),
  int2('xor', 0x04, 4, 'r{a} ^ r{b}', 'bitwise xor', (a, b) => `${a} ^ ${b}`),
  int2('mul', 0x04, 5, 'r{a} * r{b}', 'int32 multiply, low 32 bits (multiplier unit)', (a, b) => `Math.imul(${a}, ${b})`, 'MUL'),
  int2('eq', 0x04, 6, 'r{a} == r{b}', 'int32 compare equal: 1 or 0', (a, b) => `(${a} === ${b} ? 1 : 0)`),
  int2('lt', 0x04, 7, 'r{a} < r{b}', 'int32 signed compare less-than: 1 or 0', (a, b) => `(${a} < ${b} ? 1 : 0)`),
  int2('le', 0x05, 0, 'r{a} <= r{b}', 'int32 signed compare less-or-equal: 1 or 0', (a, b) => `(${a} <= ${b} ? 1 : 0)`),
  int2('shl', 0x05, 1, 'r{a} << r{b}', 'shift left by register (amount mod 32)', (a, b) => `${a} << ${b}`, 'SHF'),
  int2('shr', 0x05, 2, 'r{a} >> r{b}', 'arithmetic shift right by register', (a, b) => `${a} >> ${b}`, 'SHF'),
  int2('lsr', 0x05, 3, 'r{a} >>> r{b}', 'logical shift right by register', (a, b) => `(${a} >>> ${b}) | 0`, 'SHF'),
  // shifts by immediate (group 0x06)
  shImm('shli', 0, '<<', 'shift left by immediate 0..31', '<<'),
  shImm('shri', 1, '>>', 'arithmetic shift right by immediate', '>>'),
  shImm('lsri', 2, '>>>', 'logical shift right by immediate', '>>>'),
  // moves and immediates
  unRow({ id: 'mov', op: 0x07, doc: 'register copy (raw 32 bits; `fr` spelling accepted)', unit: 'ALU', lat: 'alu' },
    '{m}(f)r{d} = (f)r{a}', 'I', 'I', (a) => a),
  {
    id: 'movi', op: 0x08, doc: 'load a signed 15-bit immediate (or a symbol that fits)', unit: 'ALU', lat: 'alu', flops: 0,
    syntax: '{m}r{d} = {s}', fields: [fM, fReg('d'), fImm('s', 15)],
    deps: (f) => ({ reads: [], writes: lanes(f.m!).map((k) => macroReg(k, f.d!)) }),
    emit(e, f) { for (const k of e.macros(f.m!)) e.write(`I[${e.r(k, f.d!)}] = ${f.s};`); },
  },
  immRow({ id: 'addi', op: 0x09, doc: 'int32 add a signed 9-bit immediate', unit: 'ALU', lat: 'alu' },
    '{m}r{d} = r{a} + {s}', fImm('s', 9), (a, n) => `(${a} + ${n}) | 0`),
  // cross-macro
  {
    id: 'xfer', op: 0x0a, doc: 'cross-macro transfer: copy register a of macro c to register d of each macro of the mask',
    unit: 'ALU', lat: 'xfer', flops: 0,
    syntax: '{m}(f)r{d} = {c}(f)r{a}', fields: [fM, fReg('d'), fC, fReg('a')],
    deps: (f) => ({ reads: [macroReg(f.c!, f.a!)], writes: lanes(f.m!).map((k) => macroReg(k, f.d!)) }),
    emit(e, f) {
      const v = e.tmp(`I[${e.r(f.c!, f.a!)}]`);
      for (const k of e.macros(f.m!)) e.write(`I[${e.r(k, f.d!)}] = ${v};`);
    },
  },
  reduceRow('fsum', 0, true),
  reduceRow('isum', 1, false),
];
