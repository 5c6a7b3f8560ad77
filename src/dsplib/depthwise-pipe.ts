// Software-pipelined depthwise conv nest (generated mode): per channel and block of R output rows,
// the k*k weights and the bias sit in pinned registers and the loop over column blocks (4P columns)
// is modulo scheduled: one address stream per input row and per output row, so every access
// post-increments (no address adds inside the loop); each input quad loaded once per iteration
// feeds every multiply-accumulate it belongs to, and an output quad is stored as soon as its last
// tap, the bias and the activation are done. Between row blocks, address adds move the streams on.
import type { TargetDesc } from '../target/index.js';
import { OpBuilder } from './builder.js';
import { ALPHA_REG, type Epi, SIX_REG, ZERO_REG } from './conv2d-epilogue.js';
import { agLines, AG, emitNest, type Placed } from './emit.js';
import { pipelineLoop, resolveLoop } from './modulo-emit.js';
import type { LoopBody, MOp } from './modulo.js';
import type { Reg } from './schedule.js';

export interface DwPipeSpec {
  /** Channels, window, stride. */
  C: number; k: number; s: number;
  /** Input plane geometry (rows and row pitch of X, zero-bordered when padded). */
  Hpp: number; Wpp: number;
  /** Output grid (rows multiple of R, columns multiple of 4P), row pitch OWs, plane OHs*OWs. */
  OHs: number; OWs: number;
  X: Placed; Wt: Placed; B: Placed; Y: Placed;
  /** Fused activation (constants ZERO/SIX/ALPHA already loaded by the caller). */
  epi: Epi;
}

/** First register of the pinned weights (k*k) and bias, just below the epilogue's pinned registers. */
const wBase = (k: number): number => 56 - k * k - 1;

/** Lines one iteration needs at least: multiply-accumulates (8 per line) vs accesses (3 generators). */
export function dwIterLines(R: number, P: number, k: number, s: number): number {
  const rows = (R - 1) * s + k, cols = new Set<number>();
  for (let p = 0; p < P; p++) for (let dx = 0; dx < k; dx++) cols.add(4 * p * s + dx);
  const loads = rows * cols.size, stores = R * P;
  return Math.max((R * P * k * k) / 8, (loads + stores) / 3);
}

/** Candidate blocks, best estimate first: whole-layer lines with fill/drain and per-row-block overhead. */
export function dwPipeBlocks(sp: { OH: number; OW: number; C: number; k: number; s: number }, t: TargetDesc): Array<{ R: number; P: number; est: number }> {
  const out: Array<{ R: number; P: number; est: number }> = [];
  for (let P = 1; P <= 4; P++) {
    if (4 * P > Math.ceil(sp.OW / 4) * 4) continue;
    for (let R = 1; R <= Math.min(8, sp.OH); R++) {
      const rowsIn = (R - 1) * sp.s + sp.k;
      if (rowsIn + R > 3 * t.agu.regs - 3 || R * P * 2 > wBase(sp.k) - 8) continue;
      const OHs = Math.ceil(sp.OH / R) * R, OWs = Math.ceil(sp.OW / (4 * P)) * 4 * P, n = OWs / (4 * P);
      const ii = Math.ceil(dwIterLines(R, P, sp.k, sp.s));
      const fill = 3 * sp.k * sp.k + 12; // one iteration's latency: the tap chain, bias, activation, store
      const perBlock = n * ii + fill + Math.ceil((rowsIn + R) / 3) + Math.ceil((sp.k * sp.k + 1) / 2) + 2;
      out.push({ R, P, est: sp.C * (OHs / R) * perBlock });
    }
  }
  return out.sort((a, b) => a.est - b.est);
}

/** The nest over channels and row blocks with the pipelined column loop; undefined when no schedule fits. */
export function dwPipeNest(sp: DwPipeSpec, R: number, P: number, t: TargetDesc): string[] | undefined {
  const { C, k, s, Wpp, OWs, OHs } = sp, kk = k * k, n = OWs / (4 * P);
  const b = new OpBuilder(t);
  const rowsIn = (R - 1) * s + k;
  let ag = 0;
  const next = (): number => { for (let i = 0; i < 3; i++) { const a = (ag + i) % 3; if (b.load(a) < t.agu.regs) { ag = a + 1; return a; } } throw new Error('dsplib: out of address registers'); };
  let inS: number[], outS: number[], wS: number, bS: number;
  try {
    wS = b.stream(0, sp.Wt.addr, 0); bS = b.stream(1, sp.B.addr, 0); ag = 2;
    inS = Array.from({ length: rowsIn }, (_, i) => b.stream(next(), sp.X.addr, i * Wpp));
    outS = Array.from({ length: R }, (_, r) => b.stream(next(), sp.Y.addr, r * OWs));
  } catch { return undefined; }
  // one iteration: input rows in order, each distinct quad loaded once, then its multiplies;
  // an accumulator finishes with its last input row (bias, activation, store right after)
  const W0 = wBase(k), BIAS = W0 + kk;
  const ops: MOp[] = [];
  let nv = 0;
  const fresh = (): Reg => ({ v: nv++ });
  const acc: Reg[] = Array.from({ length: R * P }, fresh);
  const started = new Set<number>();
  const finish = (r: number, p: number): void => {
    const a = acc[r * P + p]!;
    ops.push({ kind: 'arith', form: 'fadd', d: a, a, b: { p: BIAS } });
    let y = a;
    const e = sp.epi;
    if (e.activation === 'relu' || e.activation === 'relu6') { const m = fresh(); ops.push({ kind: 'arith', form: 'max2', d: m, a: y, b: { p: ZERO_REG } }); y = m; }
    if (e.activation === 'relu6') { const m = fresh(); ops.push({ kind: 'arith', form: 'min2', d: m, a: y, b: { p: SIX_REG } }); y = m; }
    if (e.activation === 'leaky') {
      const tmp = fresh(), m = fresh();
      ops.push({ kind: 'arith', form: 'fmul', d: tmp, a: y, b: { p: ALPHA_REG } });
      ops.push({ kind: 'arith', form: e.alpha <= 1 ? 'max2' : 'min2', d: m, a: y, b: tmp });
      y = m;
    }
    ops.push(b.storeOp(outS[r]!, 4 * p, 'xyzt', 1, y, 0));
  };
  for (let i = 0; i < rowsIn; i++) {
    const uses = new Map<number, Array<{ r: number; p: number; tap: number }>>();
    for (let r = 0; r < R; r++) {
      const dy = i - r * s;
      if (dy < 0 || dy >= k) continue;
      for (let p = 0; p < P; p++) for (let dx = 0; dx < k; dx++) {
        const col = 4 * p * s + dx;
        let u = uses.get(col);
        if (!u) uses.set(col, u = []);
        u.push({ r, p, tap: dy * k + dx });
      }
    }
    for (const col of [...uses.keys()].sort((x, y) => x - y)) {
      const v = fresh();
      ops.push(b.loadOp(inS[i]!, col, 'xyzt', s, v, 0));
      for (const u of uses.get(col)!) {
        const j = u.r * P + u.p, first = !started.has(j);
        started.add(j);
        ops.push({ kind: 'arith', form: first ? 'fmul' : 'fmac', d: acc[j]!, a: v, b: { p: W0 + u.tap } });
      }
    }
    for (let r = 0; r < R; r++) if (i === r * s + k - 1) for (let p = 0; p < P; p++) finish(r, p);
  }
  const step = b.streams.map((_, i) => (inS.includes(i) ? 4 * P * s : outS.includes(i) ? 4 * P : 0));
  const consts = new Set([...Array.from({ length: kk + 1 }, (_, j) => W0 + j), ZERO_REG, SIX_REG, ALPHA_REG]);
  const body: LoopBody = { ops: resolveLoop(ops, step), streams: b.streams, step, constRegs: consts };
  const pipe = pipelineLoop(body, n, t, Array.from({ length: W0 }, (_, r) => r), 400);
  if (!pipe) return undefined;
  // per row block: weights and bias into their registers (the weight stream ends where it began),
  // the pipelined loop, then the streams moved from the row's end to the next row block
  const ar = (i: number): string => `${AG[b.streams[i]!.ag]}${b.streams[i]!.ar}`;
  const wl = Array.from({ length: kk }, (_, j) => ({ ag: b.streams[wS]!.ag, text: `xyzt fr${W0 + j} = [${ar(wS)}+=${j === kk - 1 ? -(kk - 1) : 1},0]` }));
  const head = agLines([...wl, { ag: b.streams[bS]!.ag, text: `xyzt fr${BIAS} = [${ar(bS)}+=0,0]` }]);
  const moves = agLines([
    ...inS.map((i) => ({ ag: b.streams[i]!.ag, text: `${ar(i)} += ${R * s * Wpp - n * 4 * P * s}` })),
    ...outS.map((i) => ({ ag: b.streams[i]!.ag, text: `${ar(i)} += ${R * OWs - n * 4 * P}` })),
  ]);
  const plane = sp.Hpp * Wpp;
  const steps = (i: number): number[] => (i === wS ? [kk, 0] : i === bS ? [1, 0] : inS.includes(i) ? [plane, R * s * Wpp] : [OHs * OWs, R * OWs]);
  const name = (i: number): string => (i === wS ? sp.Wt.name : i === bS ? sp.B.name : inS.includes(i) ? sp.X.name : sp.Y.name);
  const nest = b.streams.map((st, i) => ({ ...st, base: `${name(i)}+${st.start}`, steps: steps(i) }));
  try {
    return emitNest([C, OHs / R], nest, { head: [...head, ...pipe.lines, ...moves], tail: [] }, t);
  } catch (e) {
    if ((e as { code?: string }).code === 'DSPLIB_CODE_SIZE') return undefined;
    throw e;
  }
}
