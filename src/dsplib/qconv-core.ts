// qconv's multiply-accumulate pass: a block of R output rows x 4P columns (one column per macro
// lane) x Q output channels in accumulator pairs, initialized from the folded bias (int16) or zero
// (int8: the requantization pass adds the bias), then one mac8 / mac16 per (input-channel word, tap,
// accumulator); stores the low words (int8: the whole int32 sum) or low and high words in groups of
// 4 (int16). Blocking as conv2d-core.ts.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { emitNest, type Placed } from './emit.js';
import { QROW } from './qconv-pack.js';
import { ARG_AG, ARG_AR } from './runtime/abi.js';
import { type ArithForm, type Op, poolRegs, type Reg, schedule } from './schedule.js';

const XFER: ArithForm[] = ['xferx', 'xfery', 'xferz', 'xfert'];

export interface QGeo { Cw: number; kH: number; kW: number; s: number; OH: number; OW: number; bits: 8 | 16 }
export interface QBlock { R: number; P: number; Q: number }
/** Accumulator-buffer and padded-input layout of one kernel. */
export interface QLay { OHs: number; OWs: number; Hpp: number; Wpp: number; Kp: number; Mp: number; reuse: boolean;
  /** int8: accumulators start at zero and the requantization pass adds the bias (else: bias loads per block). */
  zeroInit?: boolean }

export function inputLoads(R: number, P: number, kH: number, kW: number, s: number): number {
  const rows = new Set<number>(), cols = new Set<number>();
  for (let r = 0; r < R; r++) for (let ky = 0; ky < kH; ky++) rows.add(r * s + ky);
  for (let p = 0; p < P; p++) for (let kx = 0; kx < kW; kx++) cols.add(4 * p * s + kx);
  return rows.size * cols.size;
}
/** Estimated lines per input-channel word of a block: MACs vs address-generator ports (weights: one load per 4 taps). */
export const wordLines = (g: QGeo, R: number, P: number, Q: number): number =>
  Math.max((R * P * Q * g.kH * g.kW) / 8, ((inputLoads(R, P, g.kH, g.kW, g.s) + (Q * g.kH * g.kW) / 4 + (R - 1) * g.s + g.kH) / 3) * 1.15);
/** Pinned registers the broadcast weights rotate through (xfer from a 4-word weight load). */
export const NW = 8;
/** int8: register holding 0 (accumulator low words start at 0; only they are stored). */
export const QZERO = 63;
/** Lines the MAC pass needs before its loop nests. */
export const macConsts = (bits: 8 | 16): string[] => (bits === 8 ? [`xyzt r${QZERO} = 0`] : []);
/** Words per channel of the accumulator buffer: rows of OWs words (int16: low/high groups of 4),
 * plus 4 so that consecutive channels' stores fall in different banks. */
export const qaccPlane = (OHs: number, OWs: number, bits: 8 | 16): number => OHs * OWs * (bits === 16 ? 2 : 1) + (bits === 16 ? 0 : 4);
export const qfits = (R: number, P: number, Q: number, t: TargetDesc): boolean =>
  2 * R * P * Q + NW + Math.min(R * P + 4, 16) + 4 <= t.regsPerMacro;

/** Loop nest of the MAC pass for `count` groups of q channels starting at m0. */
export function macCode(g: QGeo, blk: QBlock, gr: { q: number; count: number; m0: number }, L: QLay,
  bf: { X: Placed; W: Placed; T: Placed; A: Placed }, t: TargetDesc, what: string, split = 0): string[] {
  const { Cw, kH, kW, s } = g, { R, P } = blk, Q = gr.q, { OHs, OWs, Wpp, Kp } = L;
  const kk = kH * kW, plane = L.Hpp * Wpp, w16 = g.bits === 16;
  const rowW = w16 ? 2 * OWs : OWs, vecW = w16 ? 8 : 4, accPlane = qaccPlane(OHs, OWs, g.bits);
  const b = new OpBuilder(t);
  const work = [0, 0, 0];
  // the calling convention's argument register (w14) stays free: library mode calls this kernel
  // as a subroutine with its argument block there
  const cap = (k: number): number => (k === ARG_AG ? Math.min(t.agu.regs, ARG_AR) : t.agu.regs);
  const pick = (w: number): number => {
    const free = [0, 1, 2].filter((k) => b.load(k) < cap(k));
    let a = free[0] ?? 0;
    for (const k of free) if (work[k]! < work[a]! || (work[k] === work[a] && b.load(k) < b.load(a))) a = k;
    work[a]! += w;
    return a;
  };
  const rowsUsed = (R - 1) * s + kH, perRow = Wpp - 4 * (P - 1) * s - kW + 1 > 31 && rowsUsed > 2;
  const nIn = perRow ? Math.min(4, rowsUsed) : 2;
  // a per-row stream starts at its first row (no address add before a block's first loads)
  const inS = Array.from({ length: nIn }, (_, j) => b.stream(pick((Cw * inputLoads(R, P, kH, kW, s)) / nIn), bf.X.addr, perRow ? j * Wpp : 0));
  const wS = Array.from({ length: Q }, (_, q) => b.stream(pick(Cw * kk), bf.W.addr, (gr.m0 + q) * Kp));
  const zero = !w16 && L.zeroInit === true;
  // bias loads (2 per channel) spread over up to 3 streams: one stream would serialize the block's start
  const nT = zero ? 0 : Math.min(3, 2 * Q);
  const tS = Array.from({ length: nT }, (_, j) => b.stream(pick((2 * Q) / nT), bf.T.addr, QROW.BIAS * L.Mp + 2 * gr.m0 + j));
  // accumulator stores: one stream per (channel, row) when the address registers allow (no
  // address adds between a block's stores), else one per channel
  const perRowY = nIn + 2 * Q + nT + R * Q <= cap(0) + cap(1) + cap(2);
  const yS = perRowY
    ? Array.from({ length: Q * R }, (_, j) => b.stream(pick(P * (w16 ? 2 : 1)), bf.A.addr, (gr.m0 + Math.floor(j / R)) * accPlane + (j % R) * rowW))
    : Array.from({ length: Q }, (_, q) => b.stream(pick(R * P * (w16 ? 2 : 1)), bf.A.addr, (gr.m0 + q) * accPlane));
  const yOf = (q: number, r: number): { s: number; rel: number } => (perRowY ? { s: yS[q * R + r]!, rel: 0 } : { s: yS[q]!, rel: r * rowW });
  const acc = (r: number, p: number, q: number): number => 2 * ((r * P + p) * Q + q);
  const nAcc = R * P * Q;
  const P_ = (r: number): Reg => ({ p: r });
  let prio = 2 * Q, wTurn = 0;
  const init = (): Op[] => {
    const ops: Op[] = [];
    if (zero) { // int8: the low word alone is exact mod 2^32 and is all that is stored
      for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) ops.push({ kind: 'fmac', op: 'mov', acc: acc(r, p, q), a: P_(QZERO), b: P_(QZERO), prio: q });
      return ops;
    }
    const lo: Reg[] = [], hi: Reg[] = [];
    for (let q = 0; q < Q; q++) {
      const h = b.vreg(), l = b.vreg(); hi.push(h); lo.push(l);
      // stream j (starting at word j) loads words j, j + nT, ...
      ops.push(b.loadOp(tS[(2 * q) % nT]!, 2 * q - ((2 * q) % nT), 'xyzt', 0, l, q), b.loadOp(tS[(2 * q + 1) % nT]!, 2 * q + 1 - ((2 * q + 1) % nT), 'xyzt', 0, h, q));
    }
    for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
      const a = acc(r, p, q);
      ops.push({ kind: 'fmac', op: 'mov', acc: a + 1, a: hi[q]!, b: hi[q]!, prio: q }, { kind: 'fmac', op: 'mov', acc: a, a: lo[q]!, b: P_(a + 1), prio: q });
    }
    return ops;
  };
  const words = (c0: number, c1: number): Op[] => {
    const ops: Op[] = [];
    const wvec: Reg[] = [];
    const seen = new Map<number, Reg>();
    let nLoads = 0;
    for (let c = c0; c < c1; c++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      const base = prio;
      const wv: Reg[] = [], iv: Reg[][] = [];
      // weights: one 4-word load per 4 taps of a channel, then an xfer broadcasts the tap's word
      // (groups of 4 counted from the segment's first word: every segment's access pattern is a translate)
      const i = c * kk + ky * kW + kx, lane = (i - c0 * kk) % 4;
      const xfers: Op[] = [];
      for (let q = 0; q < Q; q++) {
        if (lane === 0) { const v = b.vreg(); wvec[q] = v; ops.push(b.loadOp(wS[q]!, i, 'xyzt', 1, v, base + q)); }
        const r = 2 * nAcc + (wTurn++ % NW);
        xfers.push({ kind: 'fmac', op: XFER[lane]!, acc: r, a: wvec[q]!, b: wvec[q]!, prio: base + q });
        wv.push(P_(r));
      }
      // more channels than broadcast registers (Q > NW): channel q+NW's xfer reuses q's register,
      // so it must follow q's MACs in program order
      const interleave = Q > NW;
      if (!interleave) ops.push(...xfers);
      for (let r = 0; r < R; r++) {
        iv.push([]);
        for (let p = 0; p < P; p++) {
          const rel = c * plane + (r * s + ky) * Wpp + 4 * p * s + kx;
          let v = L.reuse ? seen.get(rel) : undefined;
          if (!v) {
            v = b.vreg(); seen.set(rel, v);
            const k = perRow ? (r * s + ky) % nIn : nLoads++ % nIn;
            ops.push(b.loadOp(inS[k]!, rel - b.streams[inS[k]!]!.start, 'xyzt', s, v, base + (r * P + p) * Q));
          }
          iv[r]!.push(v);
        }
      }
      const mac = (r: number, p: number, q: number): Op => ({ kind: 'fmac', op: w16 ? 'mac16' : 'mac8', acc: acc(r, p, q), a: iv[r]![p]!, b: wv[q]!, prio: prio++ });
      if (interleave) for (let q = 0; q < Q; q++) { ops.push(xfers[q]!); for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) ops.push(mac(r, p, q)); }
      else for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) ops.push(mac(r, p, q));
    }
    return ops;
  };
  const stores = (): Op[] => {
    const out: Op[] = [];
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) {
      const a = acc(r, p, q), y = yOf(q, r), rel = y.rel + vecW * p;
      out.push(b.storeOp(y.s, rel, 'xyzt', 1, P_(a), prio + a));
      // the high word lands with the low one (mac writes both): same stream, after the low store
      if (w16) out.push(b.storeOp(y.s, rel + 4, 'xyzt', 1, P_(a + 1), prio + a));
    }
    return out;
  };
  // split 0: the whole block in one body when it may fit (one pipeline ramp per block); else a
  // head / repeated middle / tail of channel words, sized by the estimate scaled by 1.3^(split-1)
  const lpc = wordLines(g, R, P, Q) * 1.3 ** Math.max(0, split - 1);
  const chanRel = b.streams.map((_, i) => (inS.includes(i) ? plane : wS.includes(i) ? kk : 0));
  const stepC = b.streams.map((_, i) => (inS.includes(i) ? 4 * P * s : yS.includes(i) ? vecW * P : 0));
  let segs: Op[][], midCount = 0, shift = b.streams.map(() => 0);
  if (split === 0 ? Cw * lpc + 30 <= 500 : Cw * lpc * 1.15 + 40 <= 470) segs = [[...init(), ...words(0, Cw), ...stores()]];
  else {
    // the largest middle chunk whose head + middle + tail (1 + cc + ct words) fits the loop range
    let cc = Math.floor((420 - lpc * 1.15) / (2 * lpc * 1.15));
    for (let c = Cw - 2; c > cc; c--) {
      const r = (Cw - 1) % c || c;
      if (Math.floor((Cw - 1) / c) >= 1 && (1 + c + r) * lpc * 1.15 + 40 <= 470) { cc = c; break; }
    }
    if (cc < 1) throw new BwvmError('DSPLIB_CODE_SIZE', `${what}: one input-channel word takes ~${Math.round(lpc)} lines; loop bodies hold 511`, { hint: 'use a smaller kernel window or block' });
    const rem = Cw - 1;
    let nmid = Math.floor(rem / cc), ct = rem - nmid * cc;
    if (ct === 0) { ct = cc; nmid--; }
    midCount = nmid;
    const head = [...init(), ...words(0, 1)];
    if (nmid > 0) {
      const mid = words(1, 1 + cc);
      const tail = [...words(Cw - ct, Cw), ...stores()];
      shift = chanRel.map((cr) => -(nmid - 1) * cc * cr);
      segs = [head, mid, tail];
    } else segs = [head, [...words(1, Cw), ...stores()]];
  }
  const end = stepC.map((st, i) => st + shift[i]!);
  const resolved = resolveIncrements(segs, b.streams.length, end, shift);
  const consts = new Set(zero ? [QZERO] : []);
  const pinned = new Set([...Array.from({ length: 2 * nAcc + NW }, (_, k) => k), ...consts]);
  const pool = poolRegs(t, pinned);
  const sched = resolved.map((ops) => schedule(ops, b.streams, pool, t, 64, consts));
  const body = sched.length === 1 ? { head: sched[0]!, tail: [] } : sched.length === 2 ? { head: sched[0]!, tail: sched[1]! }
    : { head: sched[0]!, mid: { lines: sched[1]!, count: midCount }, tail: sched[2]! };
  const steps = (i: number): number[] => {
    if (inS.includes(i)) return [0, R * s * Wpp, 4 * P * s];
    if (wS.includes(i)) return [Q * Kp, 0, 0];
    if (tS.includes(i)) return [2 * Q, 0, 0];
    return [Q * accPlane, R * rowW, vecW * P];
  };
  const name = (i: number): string => (tS.includes(i) ? bf.T.name : inS.includes(i) ? bf.X.name : wS.includes(i) ? bf.W.name : bf.A.name);
  const streams = b.streams.map((st, i) => ({ ...st, base: `${name(i)}+${st.start}`, steps: steps(i) }));
  return emitNest([gr.count, OHs / R, OWs / (4 * P)], streams, body, t);
}
