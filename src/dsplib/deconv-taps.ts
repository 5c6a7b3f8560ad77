// Tap-list convolution loop nests (used by the deconv phases and depthwise conv): a block of
// R rows x 4P columns x Q output channels (macro j = column ox0+4p+j) accumulates, per input
// channel and tap (dy, dx), R*P lane-strided input loads x Q broadcast weights; outputs are stored
// with any row pitch and lane stride (interleaved deconv phases write every s-th word); optional
// sub-phases sharing one block and per-row input streams over a row-interleaved input.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { type Epi, epiConsts, epiOps, epiPinned } from './conv2d-epilogue.js';
import { emitNest, type Placed } from './emit.js';
import { type Op, poolRegs, type Reg, schedule } from './schedule.js';

export interface Tap { dy: number; dx: number }

/** Load look-ahead windows tried per segment (the shorter schedule is kept). */
const WINDOWS = [64, 128];

export interface TapNest {
  /** Input channels reduced into each output channel (1 for depthwise). */
  C: number;
  /** Tap input offsets in the padded input; the weight of tap k of channel c is at c*T + k. */
  taps: Tap[];
  /** Input stride (rows and lanes). */
  s: number;
  /** Padded input plane geometry. */
  Hpp: number; Wpp: number;
  X: Placed; Wt: Placed; B: Placed; Y: Placed;
  /** Weight row pitch per output channel and offset of this nest's rows in Wt. */
  wRow: number; wOff: number;
  /** Output word offset of (channel 0, row 0, col 0), row pitch, lane stride, channel pitch. */
  out: { off: number; row: number; lane: number; plane: number };
  /** Output tile grid (rows multiple of R, columns multiple of 4P). */
  OHs: number; OWs: number;
  /** Depthwise: output channel m reads input channel m (Q must be 1). */
  depthwise?: boolean;
  /** Input address streams (2: u/v/w shared with weights and outputs; 3 for load-bound kernels). */
  nIn?: number;
  /**
   * Row order (load-bound kernels such as depthwise): per channel all weights first, then each
   * distinct input word once in row-major order followed by every multiply it feeds; input row i
   * round-robin over the nIn streams and output row r on store stream r mod nOut (small post-increments).
   */
  rowOrder?: boolean;
  nOut?: number;
  /**
   * Sub-phases computed in one block (stride-2 deconv column phases (a,0)/(a,1)): each has its own
   * taps and weight rows and writes at outOff words from out.off, so their lane-strided stores land
   * on opposite bank halves and pair up; input loads at the same word are shared. Without it the
   * nest is the single sub-phase { taps, wRow, wOff, outOff: 0 }.
   */
  subs?: Array<{ taps: Tap[]; wRow: number; wOff: number; outOff: number }>;
  /**
   * Input row and channel pitch (default Wpp and Hpp*Wpp). A row-interleaved copy ([row][c][col],
   * channel pitch ~Wpp) with rowStreams (one input stream per input row of the block) steps to the
   * next channel by post-increment instead of an address add per stream and channel.
   */
  xRow?: number; xPlane?: number; rowStreams?: boolean;
  /** Activation after the bias add (depthwise's fused epilogue; its constants loaded by the caller, no addend or pool). */
  epi?: Epi;
}

export interface Block { R: number; P: number; Q: number }

/** Distinct input words (per lane) one channel of a block loads. */
export function tapLoads(R: number, P: number, taps: Tap[], s: number): number {
  const seen = new Set<string>();
  for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (const t of taps) seen.add(`${r * s + t.dy},${4 * p * s + t.dx}`);
  return seen.size;
}

/** Estimated lines per input channel of a block: multiply-accumulates vs address-generator ports. */
export function tapChanLines(b: Block, taps: Tap[], s: number, reuse = true): number {
  const T = taps.length;
  const loads = reuse ? tapLoads(b.R, b.P, taps, s) : b.R * b.P * T;
  return Math.max((b.R * b.P * b.Q * T) / 8, ((loads + b.Q * T) / 3) * 1.15);
}

/** Whether a block's accumulators and operands fit the macro's registers. */
export function tapFits(b: Block, t: TargetDesc, subs = 1): boolean {
  const { R, P, Q } = b;
  const nAcc = R * P * Q * subs;
  return nAcc + Math.min(R * P * subs + Q * subs + 4, 24) + 8 <= t.regsPerMacro && nAcc <= 44;
}

/** Loop nest computing `count` groups of q output channels from channel m0 (all tiles of the grid). */
export function tapNest(n: TapNest, blk: Block, gr: { q: number; count: number; m0: number }, t: TargetDesc, reuse: boolean, what: string, grouped = false, windows = WINDOWS): string[] {
  const { C, s, Wpp } = n;
  const subs = n.subs ?? [{ taps: n.taps, wRow: n.wRow, wOff: n.wOff, outOff: 0 }];
  const H = subs.length, taps = subs.flatMap((x) => x.taps);
  if (n.rowOrder && H > 1) throw new Error('dsplib: row-ordered nests take one sub-phase');
  const { R, P } = blk, Q = gr.q, T = taps.length;
  const plane = n.xPlane ?? n.Hpp * Wpp, xRow = n.xRow ?? Wpp;
  if (n.depthwise && Q !== 1) throw new Error('dsplib: depthwise nests take one channel per group');
  const b = new OpBuilder(t);
  const work = [0, 0, 0];
  const pick = (w: number): number => { let a = 0; for (let k = 1; k < 3; k++) if (work[k]! < work[a]! || (work[k] === work[a] && b.load(k) < b.load(a))) a = k; work[a]! += w; return a; };
  const rowList = [...new Set(taps.flatMap((tp) => Array.from({ length: R }, (_, r) => r * s + tp.dy)))].sort((x, y) => x - y);
  const nIn = n.rowStreams && !n.rowOrder ? rowList.length : n.nIn ?? 2;
  const inOf = (row: number, k: number): number => (n.rowStreams && !n.rowOrder ? inS[rowList.indexOf(row)]! : inS[k % nIn]!);
  const mIn = n.depthwise ? gr.m0 * plane : 0;
  const inS = Array.from({ length: nIn }, () => b.stream(pick((C * tapLoads(R, P, taps, s)) / nIn), n.X.addr, mIn));
  const wSub = subs.map((sp) => Array.from({ length: Q }, (_, q) => b.stream(pick(C * sp.taps.length), n.Wt.addr, sp.wOff + (gr.m0 + q) * sp.wRow)));
  const wS = wSub.flat(), wOf = new Map<number, { wRow: number; T: number }>();
  wSub.forEach((row, h) => row.forEach((i) => wOf.set(i, { wRow: subs[h]!.wRow, T: subs[h]!.taps.length })));
  const bS = b.stream(pick(R * P * Q), n.B.addr, gr.m0);
  // output streams: one per (channel, row) when the address registers allow (no row-jump adds
  // between a block's stores), spread round-robin over the generators (the store tail issues
  // one store or address add per generator and line)
  const nOut = n.nOut ?? (!n.rowOrder && b.streams.length + Q * R <= 3 * t.agu.regs - 3 ? R : 1);
  const perAgOut = [0, 0, 0];
  const pickOut = (w: number): number => {
    if (n.rowOrder) return pick(w);
    let a = -1;
    for (let k = 0; k < 3; k++) if (b.load(k) < t.agu.regs && (a < 0 || perAgOut[k]! < perAgOut[a]! || (perAgOut[k] === perAgOut[a] && b.load(k) < b.load(a)))) a = k;
    perAgOut[a]!++; work[a]! += w;
    return a;
  };
  const yS = Array.from({ length: Q * nOut }, (_, i) => b.stream(pickOut((R * P) / nOut), n.Y.addr, n.out.off + (gr.m0 + Math.floor(i / nOut)) * n.out.plane + (i % nOut) * n.out.row));
  const ySOf = (q: number, r: number): number => yS[q * nOut + (r % nOut)]!;
  const yRel = (r: number): number => r * n.out.row - (r % nOut) * n.out.row;
  const acc = (r: number, p: number, q: number, h = 0): number => ((h * R + r) * P + p) * Q + q;
  // store order: the sub-phases of one (q, r, p) next to each other (their stores pair up)
  const ord = (r: number, p: number, q: number, h: number): number => (((q * R + r) * P + p) * H + h);
  const nAcc = H * R * P * Q;
  const chanRel = b.streams.map((_, i) => (inS.includes(i) ? plane : wOf.get(i)?.T ?? 0));
  let prio = nAcc;
  const started = new Set<number>();
  let nRow = 0;
  const rowChannels = (c0: number, c1: number): Op[] => {
    const ops: Op[] = [];
    for (let c = c0; c < c1; c++) {
      const wv: Reg[][] = Array.from({ length: Q }, () => []);
      for (let k = 0; k < T; k++) for (let q = 0; q < Q; q++) { const v = b.vreg(); wv[q]!.push(v); ops.push(b.loadOp(wSub[0]![q]!, c * T + k, 'xyzt', 0, v, prio)); }
      const uses = new Map<number, Array<{ r: number; p: number; k: number }>>();
      for (let k = 0; k < T; k++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) {
        const rel = c * plane + (r * s + taps[k]!.dy) * xRow + 4 * p * s + taps[k]!.dx;
        let u = uses.get(rel);
        if (!u) uses.set(rel, u = []);
        u.push({ r, p, k });
      }
      for (const rel of [...uses.keys()].sort((x, y) => x - y)) {
        const v = b.vreg();
        ops.push(b.loadOp(inS[nRow++ % nIn]!, rel, 'xyzt', s, v, prio));
        for (const u of uses.get(rel)!) for (let q = 0; q < Q; q++) {
          const a = acc(u.r, u.p, q), first = !started.has(a);
          started.add(a);
          ops.push({ kind: 'fmac', op: first ? 'fmul' : 'fmac', acc: a, a: v, b: wv[q]![u.k]!, prio: prio++ });
        }
      }
    }
    return ops;
  };
  const channels = (c0: number, c1: number): Op[] => {
    if (n.rowOrder) return rowChannels(c0, c1);
    const ops: Op[] = [];
    const seen = new Map<number, Reg>();
    let nLoads = 0;
    for (let c = c0; c < c1; c++) for (let h = 0; h < H; h++) {
      const tp = subs[h]!.taps, Th = tp.length;
      for (let k = 0; k < Th; k++) {
        const { dy, dx } = tp[k]!;
        const base = prio;
        const wv: Reg[] = [], iv: Reg[][] = [];
        for (let q = 0; q < Q; q++) { const v = b.vreg(); wv.push(v); ops.push(b.loadOp(wSub[h]![q]!, c * Th + k, 'xyzt', 0, v, base + q)); }
        for (let r = 0; r < R; r++) {
          iv.push([]);
          for (let p = 0; p < P; p++) {
            const rel = c * plane + (r * s + dy) * xRow + 4 * p * s + dx;
            let v = reuse ? seen.get(rel) : undefined;
            if (!v) {
              v = b.vreg(); seen.set(rel, v);
              ops.push(b.loadOp(inOf(r * s + dy, nLoads++), rel, 'xyzt', s, v, base + (r * P + p) * Q));
            }
            iv[r]!.push(v);
          }
        }
        for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
          const first = c === 0 && k === 0;
          ops.push({ kind: 'fmac', op: first ? 'fmul' : 'fmac', acc: acc(r, p, q, h), a: iv[r]![p]!, b: wv[q]!, prio: prio++ });
        }
      }
    }
    return ops;
  };
  const stores = (): Op[] => {
    const out: Op[] = [];
    const bv: Reg[] = [];
    for (let q = 0; q < Q; q++) { const v = b.vreg(); bv.push(v); out.push(b.loadOp(bS, q, 'xyzt', 0, v, prio - nAcc)); }
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) {
      out.push({ kind: 'fmac', op: 'fadd', acc: acc(r, p, q, h), a: bv[q]!, b: bv[q]!, prio: prio + ord(r, p, q, h) });
      if (n.epi) out.push(...epiOps(n.epi, acc(r, p, q, h), undefined, ord(r, p, q, h), prio + ord(r, p, q, h)));
    }
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) {
      out.push(b.storeOp(ySOf(q, r), yRel(r) + 4 * p * n.out.lane + subs[h]!.outOff, 'xyzt', n.out.lane, { p: acc(r, p, q, h) }, prio + nAcc + ord(r, p, q, h)));
    }
    return out;
  };
  // the last channel in output-channel-major order, each group's bias add and stores right
  // after its multiplies: accumulators finish one group at a time, so the (bank-limited, one
  // per line) stores overlap the rest of the channel instead of trailing it
  const lastByGroup = (c: number): Op[] => {
    const ops: Op[] = [];
    const iv = new Map<number, Reg>();
    let nLoads = 0;
    const inRel = (h: number, k: number, r: number, p: number): number => { const { dy, dx } = subs[h]!.taps[k]!; return c * plane + (r * s + dy) * xRow + 4 * p * s + dx; };
    // inputs on first use (the first group's taps), each group's weights just before its multiplies
    const inputs = (h: number, k: number): void => {
      for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) {
        const rel = inRel(h, k, r, p);
        if (iv.has(rel) && reuse) continue;
        const v = b.vreg(); iv.set(rel, v);
        ops.push(b.loadOp(inOf(r * s + subs[h]!.taps[k]!.dy, nLoads++), rel, 'xyzt', s, v, prio++));
      }
    };
    for (let q = 0; q < Q; q++) {
      for (let h = 0; h < H; h++) for (let k = 0; k < subs[h]!.taps.length; k++) {
        if (q === 0) inputs(h, k);
        const w = b.vreg();
        ops.push(b.loadOp(wSub[h]![q]!, c * subs[h]!.taps.length + k, 'xyzt', 0, w, prio++));
        for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) {
          ops.push({ kind: 'fmac', op: c === 0 && k === 0 ? 'fmul' : 'fmac', acc: acc(r, p, q, h), a: iv.get(inRel(h, k, r, p))!, b: w, prio: prio++ });
        }
      }
      const bv = b.vreg();
      ops.push(b.loadOp(bS, q, 'xyzt', 0, bv, prio++));
      for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) {
        ops.push({ kind: 'fmac', op: 'fadd', acc: acc(r, p, q, h), a: bv, b: bv, prio: prio++ });
        if (n.epi) ops.push(...epiOps(n.epi, acc(r, p, q, h), undefined, acc(r, p, q, h), prio++));
      }
      for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) {
        ops.push(b.storeOp(ySOf(q, r), yRel(r) + 4 * p * n.out.lane + subs[h]!.outOff, 'xyzt', n.out.lane, { p: acc(r, p, q, h) }, prio++));
      }
    }
    return ops;
  };
  /** Channels c0..c1-1 then the bias adds and stores (the last channel by group when `grouped`). */
  const final = (c0: number, c1: number): Op[] => (grouped && !n.rowOrder ? [...channels(c0, c1 - 1), ...lastByGroup(c1 - 1)] : [...channels(c0, c1), ...stores()]);
  const lpc = tapChanLines(blk, taps, s, reuse);
  const stepC = b.streams.map((_, i) => (inS.includes(i) ? 4 * P * s : yS.includes(i) ? 4 * P * n.out.lane : 0));
  let segs: Op[][], midCount = 0;
  let shift = b.streams.map(() => 0);
  if (C * lpc * 1.15 + 40 <= 470) {
    segs = [final(0, C)];
  } else {
    // head = channel 0, a repeated middle of cc channels, a tail of ct channels + stores: the
    // largest cc whose whole body fits the loop range (fewer restarts of the middle loop)
    const rem = C - 1;
    const split = (cc: number): { nmid: number; ct: number } => {
      const nmid = Math.floor(rem / cc), ct = rem - nmid * cc;
      return ct === 0 ? { nmid: nmid - 1, ct: cc } : { nmid, ct };
    };
    let cc = rem;
    while (cc >= 1 && lpc * 1.15 * (1 + cc + split(cc).ct) + (R * P * Q) / 2 + 40 > 470) cc--;
    if (cc < 1) throw new BwvmError('DSPLIB_CODE_SIZE', `${what}: one input channel takes ~${Math.round(lpc)} lines; loop bodies hold 511`, { hint: 'use a smaller kernel window or block' });
    const { nmid, ct } = split(cc);
    midCount = nmid;
    const head = channels(0, 1);
    if (nmid > 0) {
      const mid = channels(1, 1 + cc);
      const tail = final(C - ct, C);
      shift = chanRel.map((cr) => -(nmid - 1) * cc * cr);
      segs = [head, mid, tail];
    } else segs = [head, final(1, C)];
  }
  const end = stepC.map((st, i) => st + shift[i]!);
  const pool = poolRegs(t, new Set([...Array.from({ length: nAcc }, (_, k) => k), ...(n.epi ? epiPinned(n.epi) : [])]));
  const consts = n.epi ? epiConsts(n.epi) : new Set<number>();
  const resolved = resolveIncrements(segs, b.streams.length, end, shift);
  // each segment with two load look-ahead windows (port-bound bodies prefer the short one,
  // latency-bound ones the long one): keep the shorter schedule
  const sched = resolved.map((ops) => {
    const outs: string[][] = [];
    for (const win of windows) { try { outs.push(schedule(ops.map((o) => ({ ...o })), b.streams, pool, t, win, consts)); } catch (e) { if (win === windows[windows.length - 1] && !outs.length) throw e; } }
    return outs.reduce((a, c) => (c.length < a.length ? c : a));
  });
  const body = sched.length === 1 ? { head: sched[0]!, tail: [] } : sched.length === 2 ? { head: sched[0]!, tail: sched[1]! }
    : { head: sched[0]!, mid: { lines: sched[1]!, count: midCount }, tail: sched[2]! };
  const steps = (i: number): number[] => {
    if (inS.includes(i)) return [n.depthwise ? plane : 0, R * s * xRow, 4 * P * s];
    const w = wOf.get(i);
    if (w) return [Q * w.wRow, 0, 0];
    if (i === bS) return [Q, 0, 0];
    return [Q * n.out.plane, R * n.out.row, 4 * P * n.out.lane];
  };
  const name = (i: number): string => (i === bS ? n.B.name : inS.includes(i) ? n.X.name : wS.includes(i) ? n.Wt.name : n.Y.name);
  const nest = b.streams.map((st, i) => ({ ...st, base: `${name(i)}+${st.start}`, steps: steps(i) }));
  return emitNest([gr.count, n.OHs / R, n.OWs / (4 * P)], nest, body, t);
}

