// qconv's requantization pass: reads the accumulators the MAC pass stored (int8: one int32 word per
// output; int16: the 64-bit pair, low/high words in groups of 4) and writes y = sat(zy + rndsh(v*M0, n))
// with exact 16-bit-limb arithmetic: mac16 products into accumulator pairs, rndsh to split and floor,
// per-channel table rows (qconv-pack.ts requantRow, modelled by requantModel). int8: adds the folded
// bias when the MAC pass started from zero, and carries the rounding constant in the limb sum U.
import type { TargetDesc } from '../target/index.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { emitNest, type Placed, staticLines } from './emit.js';
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
  return requant16(op, { vq: r.vq, A: r.A, Z: r.Z, U: r.U, t: r.w1, v2: r.w2, y: r.x, lanes: r.w2, x: r.x, w: r.w1 }, c);
}

/**
 * requant16Ops with short register lives (qconv's pass rotates each kind of register on its own, so
 * more vectors are in flight): pairs A (the loaded accumulator, then T), Z, U; singles s0 (vq, then
 * the lanes (V2, V1)), s1 (w1 / tt), and x, w (the two rounded forms of T, to the end). vq is rounded
 * from the loaded pair first; the raw V2 goes to A's high word once vq is read from the pair; the T
 * limb sum is formed in Z once its rndsh has read it. The result is in x.
 */
export function requant16Rot(op: OpFn, r: { A: number; Z: number; U: number; s0: number; s1: number; x: number; w: number }, c: (row: number) => Reg): Op[] {
  const round = op('rndsh16', r.s0, { p: r.A }, { p: r.A + 1 }); // vq = round(v / 2^16)
  return [round, ...requant16(op, { vq: r.s0, A: r.A, Z: r.Z, U: r.U, t: r.s1, v2: r.A + 1, y: r.Z, lanes: r.s0, x: r.x, w: r.w }, c)];
}

/**
 * The int16 limb requantization over a register map: vq and A as in requant16Ops; t holds w1 then
 * tt; v2 the raw V2; y the limb sum V2*m1 + cx; lanes the packed (V2, V1); x the result and w the
 * second rounded form of T.
 */
function requant16(op: OpFn, m: { vq: number; A: number; Z: number; U: number; t: number; v2: number; y: number; lanes: number; x: number; w: number }, c: (row: number) => Reg): Op[] {
  const P = (k: number): Reg => ({ p: k });
  const { vq, A, Z, U, t, v2, y, lanes, x, w } = m;
  const ops: Op[] = [op('pack16', t, P(vq), P(A))]; // lanes (V1, V0)
  // t = floor(V0*m0 / 2^16); inner = floor((V1*m0 + V0*m1 + t) / 2^16) (into t)
  ops.push(op('mac16', Z, P(t), c(QROW.M0H)), op('mac16', U, P(t), c(QROW.MW)), op('rndsh16', t, P(Z), P(Z + 1)));
  ops.push(op('mac16', U, P(t), P(ONE)), op('rndsh16', t, P(U), P(U + 1)));
  // V2 = (vq + 2^15) >> 16, lanes (V2, V1); T pair (in A) = (V2*m1 + cx)*2^16 + cl + V2*m0 + V1*m1 + inner
  ops.push(op('iadd2', v2, P(vq), P(K8000)), op('shri16', v2, P(v2)), op('imul', y, P(v2), c(QROW.M1)), op('pack16', lanes, P(v2), P(vq)), op('iadd2', y, P(y), c(QROW.CX)));
  ops.push(op('shri16', A + 1, P(y)), op('shli16', A, P(y), P(A + 1)), op('or2', A, P(A), c(QROW.CL)));
  ops.push(op('mac16', A, P(lanes), c(QROW.MW)), op('mac16', A, P(t), P(ONE)));
  // e <= 15: (sat32(T) + 2^(e-1)) >> e; e >= 16: floor((T + 2^(e-1)) / 2^16) >> (e - 16); MA selects
  ops.push(op('rndsh0', x, P(A), P(A + 1)), op('rndsh16', w, P(A), P(A + 1)), op('adds2', x, P(x), c(QROW.RND)));
  ops.push(op('xor2', x, P(x), P(w)), op('and2', x, P(x), c(QROW.MA)), op('xor2', x, P(x), P(w)), op('ishr', x, P(x), c(QROW.SH)));
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

/** int16 register rotation within `regs` registers: counts per kind (pairs A, Z, U; singles s0, s1, x, w) by their lives. */
function rot16(U: number, regs: number, counts: number[]): { A: (k: number) => number; Z: (k: number) => number; U: (k: number) => number; s0: (k: number) => number; s1: (k: number) => number; x: (k: number) => number; w: (k: number) => number; used: number } {
  const want = (counts.length ? counts : [1, 1, 1, 1, 1, 1, 1]).map((n) => Math.max(1, Math.min(n, U))); // A, Z, U pairs; s0, s1, x, w
  const size = (n: number[]): number => 2 * (n[0]! + n[1]! + n[2]!) + n[3]! + n[4]! + n[5]! + n[6]!;
  while (size(want) > regs) { const i = want.indexOf(Math.max(...want)); want[i]!--; }
  const base: number[] = [];
  let at = 0;
  want.forEach((n, i) => { base.push(at); at += (i < 3 ? 2 : 1) * n; });
  const f = (i: number) => (k: number): number => base[i]! + (i < 3 ? 2 : 1) * (k % want[i]!);
  return { A: f(0), Z: f(1), U: f(2), s0: f(3), s1: f(4), x: f(5), w: f(6), used: at };
}

/** Vectors (4 outputs) per loop body: divisors of the plane's vector count, largest first (one pipeline ramp per body). */
function unrolls(nv: number, max: number): number[] {
  const out: number[] = [];
  for (let u = Math.min(nv, max); u >= 1; u--) if (nv % u === 0 && (u >= 2 || out.length === 0)) out.push(u);
  return out.length ? out : [1];
}

/** int16 register rotations tried (pairs A, Z, U; singles s0, s1, x, w): the greedy scheduler's
 * result depends on them irregularly, so a few are built and the shortest kept. */
const ROT16 = [[8, 3, 3, 6, 5, 4, 4], [8, 3, 3, 5, 5, 4, 4], [9, 3, 3, 5, 5, 4, 4], [8, 4, 4, 4, 4, 4, 4], [7, 3, 3, 5, 5, 5, 5]];

/** The requantization pass: the largest unroll (up to a whole plane of 256 vectors) whose body fits
 * the loop range; int16 keeps the fewest lines over the register rotations ROT16 (and two unrolls). */
export function requantCode(sp: RequantSpec, t: TargetDesc): string[] {
  // the pass depends on the spec alone: the block candidates of one layer share it
  // (a reused copy gets fresh loop labels)
  const key = JSON.stringify([t.name, sp]), hit = CACHE.get(key);
  if (hit) { const n = reuseSeq++; return hit.map((l) => l.replace(/\bL(\d+)/g, `Lrq${n}_$1`)); }
  const code = requantSearch(sp, t);
  if (CACHE.size >= 16) CACHE.delete(CACHE.keys().next().value!);
  CACHE.set(key, code);
  return [...code];
}
const CACHE = new Map<string, string[]>();
let reuseSeq = 0;

function requantSearch(sp: RequantSpec, t: TargetDesc): string[] {
  let last: unknown, best: string[] | undefined, bestN = Infinity, fits = 0;
  for (const U of unrolls(sp.plane / 4, 256).slice(0, 6)) {
    for (const rot of sp.bits === 16 ? ROT16 : [[]]) {
      try {
        const code = requantBody(sp, t, U, rot), n = staticLines(code);
        if (n < bestN) { best = code; bestN = n; }
      } catch (e) { last = e; if ((e as { code?: string }).code !== 'DSPLIB_CODE_SIZE') throw e; }
    }
    if (best && (sp.bits === 8 || ++fits >= 2)) return best;
  }
  if (best) return best;
  throw last;
}

function requantBody(sp: RequantSpec, t: TargetDesc, U: number, rot16want: number[]): string[] {
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
  // table rows in the order the first vectors need them; int16: over two generators (the store
  // stream's is idle at the body's start)
  const rows = bits === 8 ? [QROW.MW, QROW.M0H, QROW.M1, QROW.RND, QROW.SH, QROW.ZY] : [QROW.M0H, QROW.MW, QROW.M1, QROW.CX, QROW.CL, QROW.RND, QROW.MA, QROW.SH, QROW.ZY];
  const tS2 = bits === 16 ? b.stream(1, sp.q.addr, 0) : -1;
  const cv = new Map<number, Reg>();
  rows.forEach((r, i) => { const v = b.vreg(); cv.set(r, v); ops.push(b.loadOp(tS2 >= 0 && i % 2 === 1 ? tS2 : tS, r * Mp, 'xyzt', 0, v, prio)); });
  if (addBias) { const v = b.vreg(); cv.set(QROW.BIAS, v); ops.push(b.loadOp(bS, 0, 'xyzt', 0, v, prio)); }
  // int8: U starts at RND*2^16 - 2^15 (the rounding constant rides in the limb sum): UH = (RND - 1) >> 16, UL = (RND << 16) - 2^15
  const UH = CONSTS[3]! - 1, UL = CONSTS[3]! - 2;
  const c = (r: number): Reg => cv.get(r)!;
  if (bits === 8) ops.push(op('iadd2', UH, c(QROW.RND), P(MONE)), op('shri16', UH, P(UH)), op('shli16', UL, c(QROW.RND)), op('iadd2', UL, P(UL), P(KN8000)));
  // int8: one vector's registers are a set: pairs Z, U from r0 up, singles (A, vq, w1 = tt, w2 = x)
  // above them, sets in turn (the scheduler orders the reuse); the pool keeps the table rows
  const nPair = 2, nSingle = 4;
  const sets = Math.min(U, Math.floor((CONSTS[3]! - rows.length - (bits === 8 ? 4 : 1)) / (2 * nPair + nSingle)));
  const pairTop = 2 * nPair * sets;
  // int16: each kind of register rotates on its own, as many as its life needs (A lives longest)
  const rot = rot16(U, CONSTS[3]! - rows.length - 1, rot16want);
  for (let k = 0; k < U; k++) {
    const j = k % sets, p0 = 2 * nPair * j, s0 = pairTop + nSingle * j;
    const Z = bits === 8 ? p0 : rot.Z(k), Uq = bits === 8 ? p0 + 2 : rot.U(k), A = bits === 8 ? s0 : rot.A(k);
    const [vq, w1, w2, tt, x] = [s0 + 1, s0 + 2, s0 + 3, s0 + 2, s0 + 3];
    const base = prio;
    ops.push(b.loadOp(aS, vw * k, 'xyzt', 1, P(A), base));
    // int8: U starts at RND*2^16 - 2^15, so rndsh(U, 16) already includes the rounding constant
    if (bits === 8) ops.push(...limbInit(op, Z, Uq).slice(0, 2), op('mov', Uq + 1, P(UH)), op('mov', Uq, P(UL), P(Uq + 1)));
    else ops.push(...limbInit(op, Z, Uq));
    let res: number;
    if (bits === 16) {
      ops.push(b.loadOp(aS, vw * k + 4, 'xyzt', 1, P(A + 1), base));
      const r16 = { A, Z, U: Uq, s0: rot.s0(k), s1: rot.s1(k), x: rot.x(k), w: rot.w(k) };
      ops.push(...requant16Rot(op, r16, c));
      res = r16.x;
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
  // channels innermost: each body moves every stream to the next channel (the table streams by one
  // entry), so the address corrections and the inner loop instruction run once per part of a plane
  const end = [sp.accPlane, 4 * nv, 1, bits === 8 ? 2 : 1].slice(0, b.streams.length);
  const [seg] = resolveIncrements([ops], b.streams.length, end);
  const pinned = new Set<number>([...Array.from({ length: bits === 8 ? (2 * nPair + nSingle) * sets : rot.used }, (_, i) => i), ...CONSTS, ...(bits === 8 ? [UH, UL] : [])]);
  const lines = schedule(seg!, b.streams, poolRegs(t, pinned), t, 64, new Set(CONSTS));
  const streams = b.streams.map((st, i) => ({ ...st, base: `${[sp.acc, sp.y, sp.q, sp.q][i]!.name}+${st.start}`, steps: [[U * vw, 4 * U, 0, 0][i]!, end[i]!] }));
  void QCONV_ROWS;
  return emitNest([nv / U, M], streams, { head: lines, tail: [] }, t);
}
