// qconv's requantization pass: reads the accumulators the MAC pass stored (int8: one int32 word per
// output; int16: the 64-bit pair, low/high words in groups of 4) and writes y = sat(zy + rndsh(v*M0, n))
// with exact 16-bit-limb arithmetic: mac16 products into accumulator pairs, rndsh to split and floor,
// per-channel table rows (qconv-pack.ts requantRow, modelled by requantModel). int8: adds the folded
// bias when the MAC pass started from zero, and carries the rounding constant in the limb sum U.
import type { TargetDesc } from '../target/index.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { emitNest, type Placed } from './emit.js';
import { QCONV_ROWS, QROW } from './qconv-pack.js';
import { type Op, poolRegs, type Reg, schedule } from './schedule.js';

/** Constant registers the pass pins (set by requantConsts): 1, 2^15, -2^15, -1. */
export const ONE = 63, K8000 = 62, KN8000 = 61, MONE = 60;
export const CONSTS = [ONE, K8000, KN8000, MONE];

type ArithOp = NonNullable<Extract<Op, { kind: 'fmac' }>['op']>;
/** Makes one arithmetic op r{d} = form(a, b) with the caller's priority counter. */
export type OpFn = (form: ArithOp, d: number, a: Reg, b?: Reg) => Op;
/** Registers of one int16 limb requantization: pairs Z, U, A (A's low word holds V0 on entry, then T), singles. */
export interface Limb16 { vq: number; A: number; Z: number; U: number; w1: number; w2: number; x: number }

/** Z and U start at -2^15 so that rndsh(., 16) floors (the high word first: the Z mov waits for it). */
export const limbInit = (op: OpFn, Z: number, U: number): Op[] => {
  const P = (r: number): Reg => ({ p: r });
  return [op('mov', Z + 1, P(MONE)), op('mov', Z, P(KN8000), P(Z + 1)), op('mov', U + 1, P(MONE)), op('mov', U, P(KN8000), P(U + 1))];
};

/**
 * int16 requantization of v = vq*2^16 + V0 (vq = round(v / 2^16) in r.vq, V0 in the low 16 bits of
 * r.A; |v| < 2^46): x = rndsh(v*M0, n) before the zero point (rows of requantRow; Z/U set by limbInit).
 */
export function requant16Ops(op: OpFn, r: Limb16, c: (row: number) => Reg): Op[] {
  const P = (k: number): Reg => ({ p: k });
  const { vq, A, Z, U: Uq, w1, w2, x } = r, tt = w1;
  const ops: Op[] = [op('pack16', w1, P(vq), P(A))]; // lanes (V1, V0)
  // t = floor(V0*m0 / 2^16); inner = floor((V1*m0 + V0*m1 + t) / 2^16) (into tt)
  ops.push(op('mac16', Z, P(w1), c(QROW.M0H)), op('mac16', Uq, P(w1), c(QROW.MW)), op('rndsh16', tt, P(Z), P(Z + 1)));
  ops.push(op('mac16', Uq, P(tt), P(ONE)), op('rndsh16', tt, P(Uq), P(Uq + 1)));
  // V2 = (vq + 2^15) >> 16, lanes (V2, V1); T pair (in A) = (V2*m1 + cx)*2^16 + cl + V2*m0 + V1*m1 + inner
  ops.push(op('iadd2', w2, P(vq), P(K8000)), op('shri16', w2, P(w2)), op('imul', x, P(w2), c(QROW.M1)), op('pack16', w2, P(w2), P(vq)), op('iadd2', x, P(x), c(QROW.CX)));
  ops.push(op('shri16', A + 1, P(x)), op('shli16', A, P(x), P(A + 1)), op('or2', A, P(A), c(QROW.CL)));
  ops.push(op('mac16', A, P(w2), c(QROW.MW)), op('mac16', A, P(tt), P(ONE)));
  // e <= 15: (sat32(T) + 2^(e-1)) >> e; e >= 16: floor((T + 2^(e-1)) / 2^16) >> (e - 16); MA selects
  ops.push(op('rndsh0', x, P(A), P(A + 1)), op('rndsh16', w1, P(A), P(A + 1)), op('adds2', x, P(x), c(QROW.RND)));
  ops.push(op('xor2', x, P(x), P(w1)), op('and2', x, P(x), c(QROW.MA)), op('xor2', x, P(x), P(w1)), op('ishr', x, P(x), c(QROW.SH)));
  return ops;
}

/** Lines setting the pass's constant registers. */
export function requantConsts(): string[] {
  return [`xyzt r${ONE} = 1 || xyzt r${K8000} = 8192 || xyzt r${KN8000} = -16384 || xyzt r${MONE} = -1`,
    `xyzt r${K8000} = r${K8000} + r${K8000} || xyzt r${KN8000} = r${KN8000} + r${KN8000}`, `xyzt r${K8000} = r${K8000} + r${K8000}`];
}

export interface RequantSpec {
  bits: 8 | 16; M: number; plane: number; // output words per channel (multiple of 4)
  /** int8: the MAC pass started from zero; add the channel's folded bias here. */
  addBias?: boolean;
  accPlane: number; // accumulator-buffer words per channel
  acc: Placed; y: Placed; q: Placed; Mp: number;
}

/** Vectors (4 outputs) per loop body: divisors of the plane's vector count, largest first (one pipeline ramp per body). */
function unrolls(nv: number, max: number): number[] {
  const out: number[] = [];
  for (let u = Math.min(nv, max); u >= 1; u--) if (nv % u === 0 && (u >= 2 || out.length === 0)) out.push(u);
  return out.length ? out : [1];
}

/** The requantization pass: the largest unroll (up to a whole plane of 256 vectors) whose body fits the loop range. */
export function requantCode(sp: RequantSpec, t: TargetDesc): string[] {
  let last: unknown;
  for (const U of unrolls(sp.plane / 4, 256).slice(0, 6)) {
    try { return requantBody(sp, t, U); } catch (e) { last = e; if ((e as { code?: string }).code !== 'DSPLIB_CODE_SIZE') throw e; }
  }
  throw last;
}

function requantBody(sp: RequantSpec, t: TargetDesc, U: number): string[] {
  const { bits, M, plane, Mp } = sp, nv = plane / 4, vw = bits === 8 ? 4 : 8;
  const b = new OpBuilder(t);
  const aS = b.stream(0, sp.acc.addr, 0), yS = b.stream(1, sp.y.addr, 0), tS = b.stream(2, sp.q.addr, 0);
  // int8: the MAC pass started from zero; the channel's folded bias (low word) is added here
  const addBias = bits === 8 && sp.addBias === true;
  const bS = addBias ? b.stream(2, sp.q.addr, QROW.BIAS * Mp) : -1;
  const P = (r: number): Reg => ({ p: r });
  let prio = 0;
  const op: OpFn = (form, d, a, bb = a) => ({ kind: 'fmac', op: form, acc: d, a, b: bb, prio: prio++ });
  const ops: Op[] = [];
  const rows = bits === 8 ? [QROW.MW, QROW.M0H, QROW.M1, QROW.RND, QROW.SH, QROW.ZY] : [QROW.MW, QROW.M0H, QROW.M1, QROW.RND, QROW.SH, QROW.ZY, QROW.CX, QROW.CL, QROW.MA];
  const cv = new Map<number, Reg>();
  for (const r of rows) { const v = b.vreg(); cv.set(r, v); ops.push(b.loadOp(tS, r * Mp, 'xyzt', 0, v, prio)); }
  if (addBias) { const v = b.vreg(); cv.set(QROW.BIAS, v); ops.push(b.loadOp(bS, 0, 'xyzt', 0, v, prio)); }
  // int8: U starts at RND*2^16 - 2^15 (the rounding constant rides in the limb sum): UH = (RND - 1) >> 16, UL = (RND << 16) - 2^15
  const UH = CONSTS[3]! - 1, UL = CONSTS[3]! - 2;
  const c = (r: number): Reg => cv.get(r)!;
  if (bits === 8) ops.push(op('iadd2', UH, c(QROW.RND), P(MONE)), op('shri16', UH, P(UH)), op('shli16', UL, c(QROW.RND)), op('iadd2', UL, P(UL), P(KN8000)));
  // one vector's registers: pairs Z, U (and A: the loaded accumulator, then T, for int16) from r0
  // up, singles above them; w1 and tt share a register (the scheduler orders the reuse), so
  // more vectors are in flight; the pool keeps the table rows
  const nPair = bits === 8 ? 2 : 3, nSingle = 4;
  const sets = Math.min(U, Math.floor((CONSTS[3]! - rows.length - (bits === 8 ? 4 : 1)) / (2 * nPair + nSingle)));
  const pairTop = 2 * nPair * sets;
  for (let k = 0; k < U; k++) {
    const j = k % sets, p0 = 2 * nPair * j, s0 = pairTop + nSingle * j;
    const Z = p0, Uq = p0 + 2, A = bits === 8 ? s0 : p0 + 4;
    const [vq, w1, w2, tt, x] = bits === 8 ? [s0 + 1, s0 + 2, s0 + 3, s0 + 2, s0 + 3] : [s0, s0 + 1, s0 + 2, s0 + 1, s0 + 3];
    const base = prio;
    ops.push(b.loadOp(aS, vw * k, 'xyzt', 1, P(A), base));
    // int8: U starts at RND*2^16 - 2^15, so rndsh(U, 16) already includes the rounding constant
    if (bits === 8) ops.push(...limbInit(op, Z, Uq).slice(0, 2), op('mov', Uq + 1, P(UH)), op('mov', Uq, P(UL), P(Uq + 1)));
    else ops.push(...limbInit(op, Z, Uq));
    let res: number;
    if (bits === 16) {
      ops.push(b.loadOp(aS, vw * k + 4, 'xyzt', 1, P(A + 1), base));
      ops.push(op('rndsh16', vq, P(A), P(A + 1))); // vq = round(v / 2^16): v = vq*2^16 + V0
      ops.push(...requant16Ops(op, { vq, A, Z, U: Uq, w1, w2, x }, c));
      res = x;
    } else {
      if (addBias) ops.push(op('iadd2', A, P(A), c(QROW.BIAS))); // v = bias + sum (int32: the packer's range check)
      ops.push(op('iadd2', vq, P(A), P(K8000)), op('shri16', vq, P(vq)));
      ops.push(op('pack16', w1, P(vq), P(A))); // lanes (V1, V0)
      // t = floor(V0*m0 / 2^16); inner = floor((V1*m0 + V0*m1 + t) / 2^16) (into tt)
      ops.push(op('mac16', Z, P(w1), c(QROW.M0H)), op('mac16', Uq, P(w1), c(QROW.MW)), op('rndsh16', tt, P(Z), P(Z + 1)));
      ops.push(op('mac16', Uq, P(tt), P(ONE)), op('rndsh16', tt, P(Uq), P(Uq + 1)));
      // T = V1*m1 + inner = floor(v*M0 / 2^32) (int32); R = (T + 2^(e-1)) >> e
      ops.push(op('imul', x, P(vq), c(QROW.M1)), op('iadd2', x, P(x), P(tt)), op('ishr', x, P(x), c(QROW.SH)));
      res = x;
    }
    ops.push(op('adds2', res, P(res), c(QROW.ZY)), op(bits === 8 ? 'sat8' : 'sat16', res, P(res)));
    ops.push(b.storeOp(yS, 4 * k, 'xyzt', 1, P(res), prio++));
  }
  const end = [U * vw, 4 * U, 0, 0].slice(0, b.streams.length);
  const [seg] = resolveIncrements([ops], b.streams.length, end);
  const pinned = new Set<number>([...Array.from({ length: (2 * nPair + nSingle) * sets }, (_, i) => i), ...CONSTS, ...(bits === 8 ? [UH, UL] : [])]);
  const lines = schedule(seg!, b.streams, poolRegs(t, pinned), t, 64, new Set(CONSTS));
  const streams = b.streams.map((st, i) => ({ ...st, base: `${[sp.acc, sp.y, sp.q, sp.q][i]!.name}+${st.start}`, steps: [[sp.accPlane, 4 * nv, 1, 2][i]!, end[i]!] }));
  void QCONV_ROWS;
  return emitNest([M, nv / U], streams, { head: lines, tail: [] }, t);
}
