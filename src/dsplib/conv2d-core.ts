// conv2d compute core shared by the on-chip and the DDR-tiled generators: geometry checks, the
// register-blocking model (R rows x 4P columns x Q channels), the blocking choice, and the loop
// nest computing groups of output channels from an on-chip padded input into an on-chip output.
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { type Epi, epiConsts, epiOps, epiPinned, poolFirst, poolOps } from './conv2d-epilogue.js';
import { emitNest, type NestBody, type NestStream, type Placed } from './emit.js';
import { type Op, poolRegs, type Reg, schedule } from './schedule.js';

export interface Conv2dShape { N?: number; C: number; H: number; W: number; M: number; kH: number; kW: number; stride: number; pad: number }
export interface Geo { C: number; H: number; W: number; M: number; kH: number; kW: number; s: number; pad: number; OH: number; OW: number }
export interface Block { R: number; P: number; Q: number }

export const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
/** Distinct input words (per lane) one channel of a block loads: rows {r*s+ky} x columns {4ps+kx}. */
function inputLoads(R: number, P: number, kH: number, kW: number, s: number): number {
  const rows = new Set<number>(), cols = new Set<number>();
  for (let r = 0; r < R; r++) for (let ky = 0; ky < kH; ky++) rows.add(r * s + ky);
  for (let p = 0; p < P; p++) for (let kx = 0; kx < kW; kx++) cols.add(4 * p * s + kx);
  return rows.size * cols.size;
}
/** Estimated lines per input channel of a block: multiply-accumulates vs address-generator ports. */
const chanLines = (g: Geo, R: number, P: number, Q: number): number =>
  Math.max((R * P * Q * g.kH * g.kW) / 8, ((inputLoads(R, P, g.kH, g.kW, g.s) + Q * g.kH * g.kW) / 3) * 1.15);
const MIN_POOL = 8;

/** Does a block fit the registers of a macro (accumulators + operands + pool + epilogue pins)? */
export function fits(R: number, P: number, Q: number, t: TargetDesc, extra = 0): boolean {
  return R * P * Q + Math.min(R * P + Q + 4, 24) + MIN_POOL + extra <= t.regsPerMacro && R * P * Q <= 44;
}

/** Estimated cycles of a blocking (used only to choose R, P, Q). */
function estimate(g: Geo, R: number, P: number, Q: number): number {
  const OHs = roundUp(g.OH, R), OWs = roundUp(g.OW, 4 * P);
  const blocks = (OHs / R) * (OWs / (4 * P));
  const full = Math.floor(g.M / Q), rest = g.M % Q;
  const perBlock = (q: number): number => g.C * chanLines(g, R, P, q) + (R * P * q) / 2 + 12;
  return blocks * (full * perBlock(Q) + (rest ? perBlock(rest) : 0));
}

/** Candidate blockings, best estimated first (`pooled`: R and P even, for a fused 2x2 pool). */
export function candidates(g: Geo, t: TargetDesc, extra: number, pooled = false): Block[] {
  const all: Array<{ b: Block; c: number }> = [];
  for (let P = 1; P <= 8; P++) {
    if (4 * P > roundUp(g.OW, pooled ? 8 : 4) || (pooled && P % 2)) continue;
    for (let R = 1; R <= Math.min(8, g.OH); R++) {
      if (pooled && R % 2) continue;
      for (let Q = 1; Q <= Math.min(16, g.M); Q++) {
        const lpc = chanLines(g, R, P, Q) * 1.15; // a loop body holds 511 lines: one channel must fit a third of it
        if (fits(R, P, Q, t, extra) && (g.C * lpc + 40 <= 470 || 3 * lpc <= 420)) all.push({ b: { R, P, Q }, c: estimate(g, R, P, Q) });
      }
    }
  }
  all.sort((a, b) => a.c - b.c);
  return all.map((x) => x.b);
}

/**
 * Choose a blocking: the estimate ranks blockings roughly; the scheduled length (`score` of the
 * built kernel) decides among the top few and a few shapes that schedule well.
 */
export function chooseBuild<K>(g: Geo, t: TargetDesc, extra: number, build: (b: Block) => K, score: (k: K) => number, pooled = false): K {
  let best: K | undefined, bestScore = Infinity, err: unknown;
  const all = candidates(g, t, extra, pooled);
  const key = (b: Block): string => `${b.R},${b.P},${b.Q}`;
  const liked = new Set(['2,4,4', '4,2,4', '4,1,8', '2,2,8', '1,4,8']);
  const pickList = [...all.filter((b) => liked.has(key(b))), ...all.slice(0, 12)].filter((b, i, a) => a.findIndex((x) => key(x) === key(b)) === i);
  let built = 0;
  for (const b of pickList) {
    if (built >= 3 && !liked.has(key(b)) && all.indexOf(b) >= 3) break;
    try {
      const k = build(b);
      built++;
      const sc = score(k);
      if (sc < bestScore) { best = k; bestScore = sc; }
    } catch (e) { err = e; }
  }
  if (best === undefined) throw err ?? new BwvmError('DSPLIB_REGISTERS', 'conv2d: no register blocking fits', { hint: 'use a smaller kernel window' });
  return best;
}

export function geometry(sh: Conv2dShape): Geo {
  const { C, H, W, M, kH, kW, stride: s, pad } = sh;
  for (const [k, v] of Object.entries({ C, H, W, M, kH, kW, stride: s, N: sh.N ?? 1 })) {
    if (!Number.isInteger(v) || v < 1) throw new BwvmError('DSPLIB_SHAPE', `conv2d: ${k} must be a positive integer (got ${v})`);
  }
  if (!Number.isInteger(pad) || pad < 0) throw new BwvmError('DSPLIB_SHAPE', `conv2d: pad must be >= 0 (got ${pad})`);
  if (s > 2) throw new BwvmError('DSPLIB_SHAPE', `conv2d: stride ${s} not supported (1 or 2)`, { hint: 'use stride 1 or 2' });
  const OH = Math.floor((H + 2 * pad - kH) / s) + 1, OW = Math.floor((W + 2 * pad - kW) / s) + 1;
  if (OH < 1 || OW < 1) throw new BwvmError('DSPLIB_SHAPE', `conv2d: kernel ${kH}x${kW} larger than the padded input ${H + 2 * pad}x${W + 2 * pad}`);
  return { C, H, W, M, kH, kW, s, pad, OH, OW };
}

export const shapeText = (sh: Conv2dShape): string =>
  `${(sh.N ?? 1) > 1 ? `N=${sh.N} ` : ''}C=${sh.C} ${sh.H}x${sh.W} -> M=${sh.M}, ${sh.kH}x${sh.kW} stride ${sh.stride} pad ${sh.pad}`;

/** Padded-input layout of a block grid (rows and row pitch of the scratch the core reads). */
export interface Lay {
  R: number; P: number; OHs: number; OWs: number; Hpp: number; Wpp: number; Kp: number; reuse: boolean;
  /** Output row and plane pitch (default dense: OWs and OHs*OWs, pooled halves). */
  yRow?: number; yPlane?: number;
}

/** On-chip tensors a group nest reads and writes, with word offsets into each. */
export interface GroupBufs {
  X: Placed; xOff: number; W: Placed; wOff?: number; B: Placed; bOff: number; Y: Placed; yOff: number; A?: Placed; aOff?: number;
}

/** One group run: `count` groups of q output channels starting at m0 (w, y relative; bias + bOff). */
export interface Group { q: number; count: number; m0: number }

interface Planned { streams: NestStream[]; body: NestBody; counts: number[] }
const cache = new Map<string, Planned>();

/** Loop nest computing `count` groups of q output channels starting at m0. */
export function groupCode(g: Geo, gr: Group, L: Lay, bf: GroupBufs, epi: Epi, t: TargetDesc, what: string): string[] {
  const key = JSON.stringify([g, gr, L, [bf.X, bf.W, bf.B, bf.Y, bf.A].map((p) => p && [p.name, p.addr]), bf.xOff, bf.wOff, bf.bOff, bf.yOff, bf.aOff, epi, t.name]);
  let pl = cache.get(key);
  if (!pl) {
    pl = planGroup(g, gr, L, bf, epi, t, what);
    if (cache.size > 200) cache.clear();
    cache.set(key, pl);
  }
  return emitNest(pl.counts, pl.streams, pl.body, t);
}

function planGroup(g: Geo, gr: Group, L: Lay, bf: GroupBufs, epi: Epi, t: TargetDesc, what: string): Planned {
  const { C, kH, kW, s } = g, { R, P, OHs, OWs, Hpp, Wpp } = L, Q = gr.q;
  const kk = kH * kW, CK = L.Kp, plane = Hpp * Wpp;
  // fused 2x2/2 pool: accumulator pair (2p', 2p'+1) holds columns 8p'+2j and 8p'+2j+1 in lane j
  // (input lane stride 2s), so a window's four values are four accumulators of the same lane
  const pooled = epi.pool !== undefined;
  if (pooled && (R % 2 || P % 2)) throw new BwvmError('DSPLIB_SHAPE', `${what}: a fused pool needs an even block (R=${R} P=${P})`);
  const colOf = (p: number): number => (pooled ? 8 * (p >> 1) * s + (p & 1) * s : 4 * p * s);
  const laneN = pooled ? 2 * s : s;
  const oRow = L.yRow ?? (pooled ? OWs / 2 : OWs), oPlane = L.yPlane ?? (pooled ? (OHs / 2) * oRow : OHs * OWs);
  const b = new OpBuilder(t);
  // streams, heaviest first, each on the generator with the least work so far
  const work = [0, 0, 0];
  const pick = (w: number): number => { let a = 0; for (let k = 1; k < 3; k++) if (work[k]! < work[a]! || (work[k] === work[a] && b.load(k) < b.load(a))) a = k; work[a]! += w; return a; };
  // two input streams alternate; when the step to the next input row does not fit the 6-bit
  // post-increment, one stream per input row (up to 4) saves the row-to-row address adds
  const rowsUsed = (R - 1) * s + kH, perRow = Wpp - 4 * (P - 1) * s - kW + 1 > 31 && rowsUsed > 2;
  const nIn = perRow ? Math.min(4, rowsUsed) : 2;
  const inS = Array.from({ length: nIn }, () => b.stream(pick((C * inputLoads(R, P, kH, kW, s)) / nIn), bf.X.addr, bf.xOff));
  const wS = Array.from({ length: Q }, (_, q) => b.stream(pick(C * kk), bf.W.addr, (bf.wOff ?? 0) + (gr.m0 + q) * CK));
  const bS = b.stream(pick(R * P * Q), bf.B.addr, bf.bOff + gr.m0);
  const yS = Array.from({ length: Q }, (_, q) => b.stream(pick(pooled ? (R * P) / 4 : R * P), bf.Y.addr, bf.yOff + (gr.m0 + q) * oPlane));
  const aS = bf.A ? Array.from({ length: Q }, (_, q) => b.stream(pick(R * P), bf.A!.addr, (bf.aOff ?? 0) + (gr.m0 + q) * OHs * OWs)) : [];
  const acc = (r: number, p: number, q: number): number => (r * P + p) * Q + q;
  const nAcc = R * P * Q;
  const chanRel = b.streams.map((_, i) => (inS.includes(i) ? plane : wS.includes(i) ? kk : 0));
  let prio = nAcc; // fmac priority counter (bias loads take 0..nAcc-1)
  const channels = (c0: number, c1: number): Op[] => {
    const ops: Op[] = [];
    const seen = new Map<number, Reg>();
    let nLoads = 0;
    for (let c = c0; c < c1; c++) {
      for (let ky = 0; ky < kH; ky++) {
        for (let kx = 0; kx < kW; kx++) {
          const base = prio;
          const wv: Reg[] = [], iv: Reg[][] = [];
          for (let q = 0; q < Q; q++) { const v = b.vreg(); wv.push(v); ops.push(b.loadOp(wS[q]!, c * kk + ky * kW + kx, 'xyzt', 0, v, base + q)); }
          for (let r = 0; r < R; r++) {
            iv.push([]);
            for (let p = 0; p < P; p++) {
              const rel = c * plane + (r * s + ky) * Wpp + colOf(p) + kx;
              let v = L.reuse ? seen.get(rel) : undefined;
              if (!v) {
                v = b.vreg(); seen.set(rel, v);
                ops.push(b.loadOp(inS[perRow ? (r * s + ky) % nIn : nLoads++ % nIn]!, rel, 'xyzt', laneN, v, base + (r * P + p) * Q));
              }
              iv[r]!.push(v);
            }
          }
          for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
            const first = c === 0 && ky === 0 && kx === 0;
            ops.push({ kind: 'fmac', op: first ? 'fmul' : 'fmac', acc: acc(r, p, q), a: iv[r]![p]!, b: wv[q]!, prio: prio++ });
          }
        }
      }
    }
    return ops;
  };
  const stores = (): Op[] => {
    const out: Op[] = [];
    const bv: Reg[] = [];
    for (let q = 0; q < Q; q++) { const v = b.vreg(); bv.push(v); out.push(b.loadOp(bS, q, 'xyzt', 0, v, prio - nAcc)); }
    if (pooled) return [...out, ...pooledStores(bv)];
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) {
      const a = acc(r, p, q);
      out.push({ kind: 'fmac', op: 'fadd', acc: a, a: bv[q]!, b: bv[q]!, prio: prio + a });
      let av: Reg | undefined;
      if (aS.length) { av = b.vreg(); out.push(b.loadOp(aS[q]!, r * OWs + 4 * p, 'xyzt', 1, av, prio + a)); }
      out.push(...epiOps(epi, a, av, a, prio + a));
    }
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) out.push(b.storeOp(yS[q]!, r * oRow + 4 * p, 'xyzt', 1, { p: acc(r, p, q) }, prio + nAcc + acc(r, p, q)));
    return out;
  };
  /** Pooled epilogue: per 2x2 window pool (raw sums first when it commutes), bias, activation, one store. */
  const pooledStores = (bv: Reg[]): Op[] => {
    const out: Op[] = [];
    const first = poolFirst(epi);
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r += 2) for (let p = 0; p < P; p += 2) {
      const d = acc(r, p, q), o: [number, number, number] = [acc(r, p + 1, q), acc(r + 1, p, q), acc(r + 1, p + 1, q)];
      const pr = prio + d;
      if (!first) {
        for (const a of [d, ...o]) out.push({ kind: 'fmac', op: 'fadd', acc: a, a: bv[q]!, b: bv[q]!, prio: pr }, ...epiOps(epi, a, undefined, a, pr));
        out.push(...poolOps(epi, d, o, pr));
      } else {
        out.push(...poolOps(epi, d, o, pr), { kind: 'fmac', op: 'fadd', acc: d, a: bv[q]!, b: bv[q]!, prio: pr }, ...epiOps(epi, d, undefined, d, pr));
      }
      out.push(b.storeOp(yS[q]!, (r / 2) * oRow + 4 * (p / 2), 'xyzt', 1, { p: d }, prio + nAcc + d));
    }
    return out;
  };
  const lpc = L.reuse ? chanLines(g, R, P, Q) : Math.max((R * P * Q * kk) / 8, ((R * P * kk + Q * kk) / 3) * 1.15);
  const outS = [...yS, ...aS];
  const stepC = b.streams.map((_, i) => (inS.includes(i) ? 4 * P * s : yS.includes(i) && pooled ? 2 * P : outS.includes(i) ? 4 * P : 0));
  let segs: Op[][], midCount = 0;
  let shift = b.streams.map(() => 0);
  if (C * lpc * 1.15 + 40 <= 470) {
    segs = [[...channels(0, C), ...stores()]];
  } else {
    const cc = Math.floor((420 - lpc * 1.15) / (2 * lpc * 1.15));
    if (cc < 1) throw new BwvmError('DSPLIB_CODE_SIZE', `${what}: one input channel takes ~${Math.round(lpc)} lines; loop bodies hold 511`, { hint: 'use a smaller kernel window or block' });
    const h = 1;
    const rem = C - h;
    let nmid = Math.floor(rem / cc);
    let ct = rem - nmid * cc;
    if (ct === 0) { ct = cc; nmid--; }
    midCount = nmid;
    const head = channels(0, h);
    if (nmid > 0) {
      const mid = channels(h, h + cc);
      const tail = [...channels(C - ct, C), ...stores()];
      shift = chanRel.map((cr) => -(nmid - 1) * cc * cr);
      segs = [head, mid, tail];
    } else segs = [head, [...channels(h, C), ...stores()]];
  }
  const end = stepC.map((st, i) => st + shift[i]!);
  const resolved = resolveIncrements(segs, b.streams.length, end, shift);
  const pinned = new Set([...Array.from({ length: nAcc }, (_, k) => k), ...epiPinned(epi)]);
  const pool = poolRegs(t, pinned);
  const sched = resolved.map((ops) => schedule(ops, b.streams, pool, t, 64, epiConsts(epi)));
  const body = sched.length === 1 ? { head: sched[0]!, tail: [] } : sched.length === 2 ? { head: sched[0]!, tail: sched[1]! }
    : { head: sched[0]!, mid: { lines: sched[1]!, count: midCount }, tail: sched[2]! };
  const steps = (i: number): number[] => {
    if (inS.includes(i)) return [0, R * s * Wpp, 4 * P * s];
    if (wS.includes(i)) return [Q * CK, 0, 0];
    if (i === bS) return [Q, 0, 0];
    if (pooled && yS.includes(i)) return [Q * oPlane, (R / 2) * oRow, 2 * P];
    if (yS.includes(i)) return [Q * oPlane, R * oRow, 4 * P];
    return [Q * OHs * OWs, R * OWs, 4 * P];
  };
  const name = (i: number): string => (i === bS ? bf.B.name : inS.includes(i) ? bf.X.name : wS.includes(i) ? bf.W.name : yS.includes(i) ? bf.Y.name : bf.A!.name);
  const streams = b.streams.map((st, i) => ({ ...st, base: `${name(i)}+${st.start}`, steps: steps(i) }));
  return { streams, body, counts: [gr.count, OHs / R, OWs / (4 * P)] };
}
