// Shared pieces of the small integer kernels (q-eltwise, q-pool, q-pack): a private table of
// int32 constants broadcast into pinned registers, integer op builders for the list scheduler,
// and the exact requantization of a small integer d (|d| <= 65535) by a multiplier M0 * 2^-n.
import { BwvmError } from '../util/errors.js';
import type { FixedForm, Op, Reg } from './schedule.js';

/** Forms these kernels use (all integer, on the ALU / MUL / shifter). */
export type QForm = 'iadd2' | 'and2' | 'or2' | 'shl2' | 'xor2' | 'mov' | 'adds2' | FixedForm;

/** An integer op d = form(a, b) on all four macros (d, a, b physical registers). */
export const qop = (form: QForm, d: number, a: number, b: number, prio: number): Op => ({ kind: 'fmac', op: form, acc: d, a: { p: a }, b: { p: b }, prio });

export const P = (r: number): Reg => ({ p: r });

/** Constants held in pinned registers from `first` up (one broadcast load each). */
export class ConstRegs {
  readonly values: number[] = [];
  private readonly at = new Map<number, number>();
  constructor(readonly first: number) {}
  /** Register holding `v` (int32). */
  reg(v: number): number {
    const x = v | 0;
    if (x !== v) throw new BwvmError('DSPLIB_SHAPE', `integer kernel constant ${v} does not fit int32`);
    let r = this.at.get(x);
    if (r === undefined) { r = this.first + this.values.length; this.values.push(x); this.at.set(x, r); }
    if (r > 63) throw new BwvmError('DSPLIB_REGISTERS', 'integer kernel: too many constants for the register file');
    return r;
  }
  get regs(): Set<number> { return new Set(this.values.map((_, i) => this.first + i)); }
  /** Data lines of the table (after the placed tensors, at `addr`). */
  data(addr: number): string[] { return this.values.length ? [`.org ${addr}`, `kq: .word ${this.values.join(', ')}`] : []; }
  /** Code loading every constant into its register (w15 walks the table). */
  load(): string[] {
    if (!this.values.length) return [];
    return ['w15 = kq', ...this.values.map((_, i) => `xyzt r${this.first + i} = [w15+=1,0]`)];
  }
}

/** Words after the last placed tensor, rounded to 8 (where ConstRegs.data goes). */
export const afterPlaced = (placed: Array<{ addr: number; words: number }>): number =>
  Math.ceil(Math.max(0, ...placed.map((p) => p.addr + Math.max(1, p.words))) / 8) * 8;

/** A multiplier M0 (int32 in [2^30, 2^31)) * 2^-n split for qRequant16: M0 = mh*2^16 + ml, ml signed. */
export interface Split16 { mh: number; ml: number; k: number }

export function split16(m: { m0: number; shift: number }, what: string): Split16 {
  const { m0, shift: n } = m;
  if (!(Number.isInteger(m0) && m0 >= 2 ** 30 && m0 < 2 ** 31) || !Number.isInteger(n)) {
    throw new BwvmError('DSPLIB_REQUANT', `${what}: multiplier M0=${m0} n=${n} is not a Q31 mantissa`, { hint: 'use bwdnn quant\'s quantizeMultiplier' });
  }
  if (n < 17 || n > 47) {
    throw new BwvmError('DSPLIB_REQUANT', `${what}: multiplier shift n=${n} outside 17..47 (real multiplier ${m0 / 2 ** n})`,
      { hint: 'the scales of this layer are far apart (ratio beyond 2^-16..2^14); recalibrate, or run the layer with the bwdnn quant reference' });
  }
  const ml = ((m0 & 0xffff) << 16) >> 16;
  return { mh: (m0 - ml) / 65536, ml, k: n - 16 };
}

/**
 * Ops for R = rndsh(d * M0, n) exactly, for |d| <= 65535 in register d (kept): with S = d*mh +
 * ((d*ml) >> 16) = floor(d*M0 / 2^16) (fits int32), R = rndsh(S, n-16) = (S >> k) + ((S >> (k-1)) & 1).
 * Writes R into `out`, uses `tmp`. Constant registers from `c`.
 */
export function qRequant16(d: number, out: number, tmp: number, s: Split16, c: ConstRegs, prio: number): Op[] {
  const ops: Op[] = [
    qop('imul', out, d, c.reg(s.mh), prio), qop('imul', tmp, d, c.reg(s.ml), prio), qop('shri16', tmp, tmp, tmp, prio), qop('iadd2', out, out, tmp, prio),
  ];
  if (s.k === 1) ops.push(qop('and2', tmp, out, c.reg(1), prio)); // S >> 0 & 1
  else ops.push(qop('ishr', tmp, out, c.reg(s.k - 1), prio), qop('and2', tmp, tmp, c.reg(1), prio));
  ops.push(qop('ishr', out, out, c.reg(s.k), prio), qop('iadd2', out, out, tmp, prio));
  return ops;
}

/**
 * Ops clamping register v (a value already inside [-32768, 32767]) to [lo, hi] in place, with
 * 16-bit saturation: min(v, hi) = sat16(v + 32767 - hi) + hi - 32767, max(w, lo) = sat16(w - lo - 32768) + lo + 32768.
 */
export function qClampOps(v: number, lo: number, hi: number, c: ConstRegs, prio: number): Op[] {
  if (lo > hi) throw new BwvmError('DSPLIB_SHAPE', `integer clamp: empty range [${lo}, ${hi}]`);
  return [
    qop('iadd2', v, v, c.reg(32767 - hi), prio), qop('sat16', v, v, v, prio),
    qop('iadd2', v, v, c.reg(hi - 32767 - lo - 32768), prio), qop('sat16', v, v, v, prio),
    qop('iadd2', v, v, c.reg(lo + 32768), prio),
  ];
}

/** The integer range of 8 / 16 bits. */
export const qRange = (bits: 8 | 16): [number, number] => (bits === 8 ? [-128, 127] : [-32768, 32767]);

export function checkBits(bits: number, what: string): asserts bits is 8 | 16 {
  if (bits !== 8 && bits !== 16) throw new BwvmError('DSPLIB_UNSUPPORTED', `${what}: ${bits}-bit values are not supported (8 or 16)`, { hint: 'quantize to int8 or int16' });
}

/**
 * Ops for R = rndsh(v * M0, n) exactly for int32 v (|v| <= maxAbs), n in 17..63: T = floor(v*M0 / 2^32)
 * from 16-bit limbs (v = vh*2^16 + vl, M0 = mh*2^16 + ml, vl and ml unsigned; every partial product
 * int32-exact). n >= 33: R = (T + 2^(n-33)) >> (n-32). n <= 32: with L = v*M0 mod 2^32 (imul),
 * R = T*2^(32-n) + (L >>> n) + bit n-1 of L (needs |R| < 2^31: checked from maxAbs).
 * Reads v, writes `out`, uses the four registers of `tmp`.
 */
export function qRequant32(v: number, out: number, tmp: [number, number, number, number], m: { m0: number; shift: number }, maxAbs: number, c: ConstRegs, prio: number, what: string): Op[] {
  const { m0, shift: n } = m;
  const bad = (why: string): never => { throw new BwvmError('DSPLIB_REQUANT', `${what}: multiplier M0=${m0} n=${n} ${why}`, { hint: 'rescale the layer (output scale), or run it with the bwdnn quant reference' }); };
  if (!(Number.isInteger(m0) && m0 >= 2 ** 30 && m0 < 2 ** 31) || !(n >= 17 && n <= 63)) bad('outside M0 in [2^30, 2^31), n in 17..63');
  if (n <= 32 && maxAbs * (m0 / 2 ** n) >= 2 ** 30) bad(`scales values up to ${maxAbs} past int32`);
  const [vl, vh, p, q] = tmp, ml = c.reg(m0 % 65536), mh = c.reg(Math.floor(m0 / 65536));
  const ops: Op[] = [
    qop('shli16', vl, v, v, prio), qop('lsri16', vl, vl, vl, prio), qop('shri16', vh, v, v, prio),
    // p = vh*ml + floor(vl*ml / 2^16)
    qop('imul', out, vl, ml, prio), qop('lsri16', out, out, out, prio), qop('imul', p, vh, ml, prio), qop('iadd2', p, p, out, prio),
    // q = vl*mh: high part q >> 16, low part (q << 16) >>> 16 joins p
    qop('imul', q, vl, mh, prio), qop('shli16', out, q, q, prio), qop('lsri16', out, out, out, prio), qop('shri16', q, q, q, prio),
    qop('iadd2', out, out, p, prio), qop('shri16', out, out, out, prio),
    // T = vh*mh + (q >> 16) + ((low + p) >> 16)
    qop('imul', p, vh, mh, prio), qop('iadd2', p, p, q, prio), qop('iadd2', out, out, p, prio),
  ];
  if (n >= 33) return [...ops, qop('iadd2', out, out, c.reg(2 ** (n - 33)), prio), qop('ishr', out, out, c.reg(n - 32), prio)];
  ops.push(qop('imul', vl, v, c.reg(m0), prio), qop('ishr', p, vl, c.reg(n - 1), prio), qop('and2', p, p, c.reg(1), prio));
  if (n < 32) ops.push(qop('shl2', out, out, c.reg(32 - n), prio), qop('ishr', vh, vl, c.reg(n), prio), qop('and2', vh, vh, c.reg(2 ** (32 - n) - 1), prio), qop('iadd2', out, out, vh, prio));
  return [...ops, qop('iadd2', out, out, p, prio)];
}
