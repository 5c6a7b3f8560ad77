// exp / expm1 on the DSP for the activation and softmax kernels (the ISA has no exp): constants
// table loaded into pinned registers, then per quad x = k·ln2 + r (k rounded with the 1.5·2^23
// trick, r by two fused multiply-subtracts), e^r - 1 = r + r²·P(r) (Taylor to r^6, Estrin), 2^k built by
// shifting k into the exponent field. Max relative error ~3e-7 in fp32 on [-87, 88].
import type { Op } from './schedule.js';

/** Constants kernels may ask for: float values or raw 32-bit words. */
export const CONSTS = {
  LOG2E: Math.LOG2E, MAGIC: 12582912, C23: { bits: 23 }, ONE: 1, LN2HI: Math.fround(Math.LN2), LN2LO: Math.LN2 - Math.fround(Math.LN2),
  C2: 1 / 2, C3: 1 / 6, C4: 1 / 24, C5: 1 / 120, C6: 1 / 720,
  LO: -87.3, HI: 88.3, ZERO: 0, TWO: 2, M2: -2, SIGN: { bits: -2147483648 },
} as const;
export type ConstName = keyof typeof CONSTS;
export type ConstRegs = Record<string, number>;

/** Assign the named constants to registers counting down from `top` (inclusive). */
export function constRegs(names: string[], top = 63): ConstRegs {
  const out: ConstRegs = {};
  names.forEach((n, i) => { out[n] = top - i; });
  return out;
}

/** `.data` words and prologue lines loading the constants (extra: kernel-specific floats such as alpha). */
export function constCode(regs: ConstRegs, extra: Record<string, number> = {}): { data: string[]; code: string[] } {
  const data = ['kconst:'], code = ['w15 = kconst'];
  for (const [name, r] of Object.entries(regs)) {
    const v = (CONSTS as Record<string, number | { bits: number }>)[name] ?? extra[name];
    if (v === undefined) throw new Error(`dsplib: unknown constant ${name}`);
    data.push(typeof v === 'number' ? `.float ${Math.fround(v)}` : `.word ${v.bits}`);
    code.push(`xyzt fr${r} = [w15+=1,0]`);
  }
  return { data, code };
}

export const EXP_CONSTS: ConstName[] = ['LOG2E', 'MAGIC', 'C23', 'ONE', 'LN2HI', 'LN2LO', 'C2', 'C3', 'C4', 'C5', 'C6'];

/**
 * Ops computing exp(z) (mode 'exp') or exp(z) - 1 ('expm1') of register z (already clamped to
 * [LO, HI]; clobbered) into register p, using scratch registers t and kf.
 */
export function expOps(z: number, t: number, kf: number, p: number, C: ConstRegs, prio: number, mode: 'exp' | 'expm1'): Op[] {
  const ops: Op[] = [];
  const op = (form: NonNullable<Extract<Op, { kind: 'fmac' }>['op']>, d: number, a: number, b: number): void => {
    ops.push({ kind: 'fmac', op: form, acc: d, a: { p: a }, b: { p: b }, prio });
  };
  op('fmul', t, z, C.LOG2E!);
  op('add2', t, t, C.MAGIC!); // t = k + 1.5·2^23 exactly: its low bits hold k
  op('sub2', kf, t, C.MAGIC!);
  op('shl2', t, t, C.C23!); // k << 23 (the magic's bits shift out)
  op('iadd2', t, t, C.ONE!); // + bits of 1.0: s = 2^k
  op('fmsub', z, kf, C.LN2HI!);
  op('fmsub', z, kf, C.LN2LO!); // z = r in [-ln2/2, ln2/2]
  // P(r) = C2 + C3·r + r²·(C4 + C5·r + C6·r²) (Estrin: short dependency chain), q = r + r²·P
  op('fmul', kf, z, z); // r²
  op('fmul', p, z, C.C5!);
  op('add2', p, p, C.C4!);
  op('fmac', p, kf, C.C6!);
  op('fmul', p, p, kf);
  op('fmac', p, z, C.C3!);
  op('add2', p, p, C.C2!);
  op('fmac', z, kf, p); // z = q = e^r - 1
  if (mode === 'exp') op('mov', p, t, t); // s + s·q
  else op('sub2', p, t, C.ONE!); // (s - 1) + s·q
  op('fmac', p, t, z);
  return ops;
}
