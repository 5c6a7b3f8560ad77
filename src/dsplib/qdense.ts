// Fixed-point dense generator (int8 / int16): y[N,M] = requant(x[N,K] · W^T + b), bit-exact with
// bwDNN's integer Gemm (src/bwdnn/quant kernels-mac.ts). x and W hold 4 int8 (2 int16) lanes per
// word; `mac8` (`mac16`) adds the lane products into per-macro accumulator pairs (macro j takes words
// ≡ j mod 4); int8: `isum` of the low words and an int32 multiply/shift sequence applies M0 * 2^-n;
// int16: the 64-bit pairs are reduced in 16-bit limbs (qdense-requant16.ts).
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { QROW } from './qconv-pack.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, type Placed, placeTensors, staticLines } from './emit.js';
import { gemmPitch } from './gemm.js';
import type { DspKernel } from './kernel.js';
import { type OpFn, requantConsts } from './qconv-requant.js';
import { CONSTS16, epilogue16, QDENSE16_ROWS, SCRATCH16, ZERO16 } from './qdense-requant16.js';
import { type FixedForm, type Op, poolRegs, type Reg, schedule } from './schedule.js';

export interface QDenseShape { N: number; K: number; M: number; bits: 8 | 16 }

const ZERO = 63;
const ISUM: FixedForm[] = ['isumx', 'isumy', 'isumz', 'isumt'];
/** Per-channel table rows of input `q` (see qdensePack): ml, mh, round, shift, zp_y, folded bias. */
export const QTABLE_ROWS = 6;
const SCRATCH = 7;
/** Scratch register sets the epilogue rotates through (independent rows' requantization overlap). */
const SETS = 2;

/** Words per packed row (4 int8 or 2 int16 lanes per word) and the table row pitch. */
export const qdenseWords = (K: number, bits: 8 | 16 = 8): number => Math.ceil(K / (bits === 8 ? 4 : 2));
/** Rows of the table `q` (int8: QTABLE_ROWS; int16: qconv's requantization rows + bias limbs). */
export const qdenseTableRows = (bits: 8 | 16): number => (bits === 8 ? QTABLE_ROWS : QDENSE16_ROWS);
export const qtablePitch = (M: number): number => Math.ceil(M / 4) * 4 + 4;

const quadLines = (R: number, Q: number, t: TargetDesc): number => Math.max((R * Q) / t.units.MUL, ((R + Q) / 3) * 1.1);

function estimate(N: number, k4: number, M: number, R: number, Q: number, t: TargetDesc, bits: 8 | 16): number {
  const per = (r: number, q: number): number => k4 * quadLines(r, q, t) + r * Math.ceil(q / 4) * (bits === 8 ? 6 : 12) + 14;
  const nb = Math.floor(N / R), nr = N % R, mb = Math.floor(M / Q), mr = M % Q;
  return nb * mb * per(R, Q) + (nr ? mb * per(nr, Q) : 0) + (mr ? nb * per(R, mr) : 0) + (nr && mr ? per(nr, mr) : 0);
}

const fits = (R: number, Q: number, t: TargetDesc, bits: 8 | 16): boolean => (bits === 8
  ? 2 * R * Q + SCRATCH * SETS + 1 + R + Q + QTABLE_ROWS + 2
  : 2 * R * Q + SCRATCH16 * SETS + CONSTS16.length + R + Q + QDENSE16_ROWS + 2) <= t.regsPerMacro;

/** Generate the int8 / int16 dense kernel for one exact shape (inputs x, w packed by qdensePack; output y int32 words). */
export function qdense(sh: QDenseShape, t: TargetDesc, opts: { block?: { R: number; Q: number } } = {}): DspKernel {
  for (const k of ['N', 'K', 'M'] as const) {
    if (!Number.isInteger(sh[k]) || sh[k] < 1) throw new BwvmError('DSPLIB_SHAPE', `qdense: ${k} must be a positive integer (got ${sh[k]})`);
  }
  if (sh.bits !== 8 && sh.bits !== 16) {
    throw new BwvmError('DSPLIB_UNSUPPORTED', `qdense: ${sh.bits}-bit inputs are not supported (8 or 16)`,
      { hint: 'quantize the layer to int8 or int16, or run it in fp32 with dsplib dense' });
  }
  if (opts.block) {
    if (!fits(opts.block.R, opts.block.Q, t, sh.bits)) throw new BwvmError('DSPLIB_REGISTERS', `qdense: block R=${opts.block.R} Q=${opts.block.Q} needs too many registers on ${t.name}`, { hint: 'use a smaller block or let the generator choose' });
    return build(sh, { R: Math.min(opts.block.R, sh.N), Q: Math.min(opts.block.Q, sh.M) }, t);
  }
  const k4 = Math.ceil(qdenseWords(sh.K, sh.bits) / 4);
  const all: Array<{ b: { R: number; Q: number }; c: number }> = [];
  for (let R = 1; R <= Math.min(8, sh.N); R++) for (let Q = 1; Q <= sh.M; Q++) if (fits(R, Q, t, sh.bits)) all.push({ b: { R, Q }, c: estimate(sh.N, k4, sh.M, R, Q, t, sh.bits) });
  all.sort((a, b) => a.c - b.c);
  let best: DspKernel | undefined;
  for (const { b } of all.slice(0, 3)) {
    const k = build(sh, b, t);
    if (!best || k.params.staticLines! < best.params.staticLines!) best = k;
  }
  return best!;
}

function build(sh: QDenseShape, blk: { R: number; Q: number }, t: TargetDesc): DspKernel {
  const { N, K, M, bits } = sh, { R, Q } = blk, Kw = qdenseWords(K, bits), Kp = gemmPitch(Kw), Mp = qtablePitch(M);
  const what = `qdense N=${N} K=${K} M=${M} int${bits}`, rows = qdenseTableRows(bits), lanes = bits === 8 ? 4 : 2;
  const placed = placeTensors([{ name: 'w', words: M * Kp }, { name: 'x', words: N * Kw + 4 }, { name: 'q', words: rows * Mp }, { name: 'y', words: N * M }], t, what);
  const at = (n: string): Placed => placed.find((p) => p.name === n)!;
  // int8: only the low words matter (the int32 sum is exact mod 2^32); int16 clears both words per block
  const code: string[] = bits === 8 ? [`xyzt r${ZERO} = 0`] : [`xyzt r${ZERO16} = 0`, ...requantConsts()];
  if (bits === 8) for (let i = 0; i < R * Q; i++) code.push(`xyzt r${2 * i + 1} = r${ZERO}`); // pair high words start at 0
  const nb = Math.floor(N / R), nr = N % R, mb = Math.floor(M / Q), mr = M % Q;
  const parts = [
    { r: R, q: Q, nc: nb, mc: mb, n0: 0, m0: 0 }, { r: R, q: mr, nc: nb, mc: 1, n0: 0, m0: mb * Q },
    { r: nr, q: Q, nc: 1, mc: mb, n0: nb * R, m0: 0 }, { r: nr, q: mr, nc: 1, mc: 1, n0: nb * R, m0: mb * Q },
  ];
  for (const p of parts) {
    if (p.r === 0 || p.q === 0 || p.nc === 0 || p.mc === 0) continue;
    for (let scale = 1; ; scale *= 1.6) {
      try { code.push(...blockNest(sh, Kw, Kp, Mp, p, R * Q, placed, at, t, scale)); break; } catch (e) {
        if ((e as BwvmError).code !== 'DSPLIB_CODE_SIZE' || scale > 10) throw e;
      }
    }
  }
  const staticN = staticLines(code);
  const asm = [`// ${what} on ${t.name}: block R=${R} Q=${Q}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'qdense', dtype: bits === 8 ? 'i8' : 'i16', asm, flops: 2 * N * K * M,
    description: bits === 8 ? `qdense ${`N=${N} K=${K} M=${M}`} int8 x int8 -> int32 + bias, per-channel requantization (fixed point)`
      : `qdense N=${N} K=${K} M=${M} int16 x int16 -> 64-bit accumulators, limb-split cross-macro sums + bias, per-channel requantization (fixed point)`,
    inputs: [
      { symbol: 'x', shape: [N, Kw], layout: `NK, ${lanes} int${bits} lanes per word (qdensePack)` },
      { symbol: 'w', shape: [M, Kw], layout: `MK, ${lanes} int${bits} lanes per word (qdensePack)`, rowPitch: Kp },
      { symbol: 'q', shape: [rows, Mp], layout: bits === 8 ? 'rows ml, mh, round, shift, zp_y, bias (qdensePack)' : 'rows of qconv requantRow, bias low limb, bias high part (qdensePack)' },
    ],
    outputs: [{ symbol: 'y', shape: [N, M], layout: `NM, one int32 word per value (int${bits} range)` }],
    params: { R, Q, Kp, staticLines: staticN },
  };
}

interface Part { r: number; q: number; nc: number; mc: number; n0: number; m0: number }

function blockNest(sh: QDenseShape, Kw: number, Kp: number, Mp: number, p: Part, rq: number, placed: Placed[], at: (n: string) => Placed, t: TargetDesc, scale: number): string[] {
  const { M, bits } = sh, { r: R, q: Q } = p, k4 = Math.ceil(Kw / 4), w16 = bits === 16, nRows = qdenseTableRows(bits);
  const X = at('x'), Wt = at('w'), T = at('q'), Y = at('y');
  const b = new OpBuilder(t);
  const work = [0, 0, 0];
  const pick = (w: number): number => { let a = 0; for (let k = 1; k < 3; k++) if (work[k]! < work[a]!) a = k; work[a]! += w; return a; };
  const xS = Array.from({ length: R }, (_, i) => b.stream(pick(k4), X.addr, (p.n0 + i) * Kw));
  const wS = Array.from({ length: Q }, (_, i) => b.stream(pick(k4), Wt.addr, (p.m0 + i) * Kp));
  const groups = Math.ceil(Q / 4);
  const yS = Array.from({ length: R }, (_, i) => b.stream(pick(groups), Y.addr, (p.n0 + i) * M + p.m0));
  const tS = b.stream(pick(groups * nRows), T.addr, p.m0);
  const acc = (i: number, j: number): number => 2 * (i * Q + j);
  const scratch = (k: number): number[] => Array.from({ length: SCRATCH }, (_, i) => 2 * rq + SCRATCH * (k % SETS) + i);
  const zero = w16 ? ZERO16 : ZERO;
  let set = 0;
  const P = (r: number): Reg => ({ p: r });
  let prio = 0;
  const op: OpFn = (form, d, a, bb = a) => ({ kind: 'fmac', op: form, acc: d, a, b: bb, prio: prio++ });
  const quads = (i0: number, i1: number): Op[] => {
    const ops: Op[] = [];
    for (let i = i0; i < i1; i++) {
      const base = prio;
      if (i === 0) for (let n = 0; n < R; n++) for (let m = 0; m < Q; m++) {
        ops.push(op('mov', acc(n, m), P(zero)));
        if (w16) ops.push(op('mov', acc(n, m) + 1, P(zero)));
      }
      const xv: Reg[] = xS.map((s, n) => { const v = b.vreg(); ops.push(b.loadOp(s, 4 * i, 'xyzt', 1, v, base + n * Q)); return v; });
      const wv: Reg[] = wS.map((s, m) => { const v = b.vreg(); ops.push(b.loadOp(s, 4 * i, 'xyzt', 1, v, base + m)); return v; });
      for (let n = 0; n < R; n++) for (let m = 0; m < Q; m++) ops.push(op(w16 ? 'mac16' : 'mac8', acc(n, m), xv[n]!, wv[m]!));
    }
    return ops;
  };
  const epilogue16Block = (): Op[] => {
    const ops: Op[] = [];
    for (let g = 0; g < groups; g++) {
      const lanes = Math.min(4, Q - 4 * g), mask = 'xyzt'.slice(0, lanes);
      const rows = Array.from({ length: nRows }, (_, j) => { const v = b.vreg(); ops.push(b.loadOp(tS, j * Mp + 4 * g, 'xyzt', 1, v, prio)); return v; });
      for (let n = 0; n < R; n++) {
        const s = 2 * rq + SCRATCH16 * (set++ % SETS);
        const e = epilogue16(op, Array.from({ length: lanes }, (_, j) => acc(n, 4 * g + j)), s, (row) => rows[row]!);
        ops.push(...e.ops, op('adds2', e.res, P(e.res), rows[QROW.ZY]!), op('sat16', e.res, P(e.res)));
        ops.push(b.storeOp(yS[n]!, 4 * g, mask, 1, P(e.res), prio++));
      }
    }
    return ops;
  };
  const epilogue = (): Op[] => {
    if (w16) return epilogue16Block();
    const ops: Op[] = [];
    for (let g = 0; g < groups; g++) {
      const lanes = Math.min(4, Q - 4 * g), mask = 'xyzt'.slice(0, lanes);
      const [ml, mh, rnd, shf, zp, bias] = Array.from({ length: QTABLE_ROWS }, (_, j) => { const v = b.vreg(); ops.push(b.loadOp(tS, j * Mp + 4 * g, 'xyzt', 1, v, prio)); return v; }) as [Reg, Reg, Reg, Reg, Reg, Reg];
      for (let n = 0; n < R; n++) {
        const d = acc(n, 4 * g), [al, ah, p0, tt, q, ql, r] = scratch(set++) as [number, number, number, number, number, number, number];
        for (let j = 0; j < lanes; j++) ops.push(op(ISUM[j]!, d, P(acc(n, 4 * g + j))));
        ops.push(op('iadd2', d, P(d), bias)); // acc = bias' + sum x*w (int32)
        // R = floor(acc * M0 / 2^32) with acc = ah*2^16 + al, M0 = mh*2^16 + ml, all partial products int32-exact
        ops.push(op('shli16', al, P(d)), op('lsri16', al, P(al)), op('shri16', ah, P(d)));
        ops.push(op('imul', p0, P(al), ml), op('lsri16', p0, P(p0)), op('imul', tt, P(ah), ml), op('iadd2', tt, P(tt), P(p0)));
        ops.push(op('imul', q, P(al), mh), op('shli16', ql, P(q)), op('lsri16', ql, P(ql)), op('shri16', q, P(q)));
        ops.push(op('iadd2', ql, P(ql), P(tt)), op('shri16', ql, P(ql)), op('imul', r, P(ah), mh), op('iadd2', r, P(r), P(q)), op('iadd2', r, P(r), P(ql)));
        // y = sat8(zp + ((R + 2^(n-33)) >> (n-32)))  ==  saturate(zp + rndsh(acc * M0, n))
        ops.push(op('iadd2', r, P(r), rnd), op('ishr', r, P(r), shf), op('iadd2', r, P(r), zp), op('sat8', r, P(r)));
        ops.push(b.storeOp(yS[n]!, 4 * g, mask, 1, P(r), prio++));
      }
    }
    return ops;
  };
  const lpq = quadLines(R, Q, t) * 1.15 * scale;
  let segs: Op[][], midCount = 0, shift = b.streams.map(() => 0);
  const kRel = b.streams.map((_, i) => (xS.includes(i) || wS.includes(i) ? 4 : 0));
  if (k4 * lpq + R * groups * (w16 ? 32 : 20) + 30 <= 470) segs = [[...quads(0, k4), ...epilogue()]];
  else {
    const cc = Math.max(1, Math.floor(400 / lpq / 2));
    const rem = k4 - 1;
    let nmid = Math.floor(rem / cc), ct = rem - nmid * cc;
    if (ct === 0) { ct = cc; nmid--; }
    midCount = nmid;
    const head = quads(0, 1);
    if (nmid > 0) {
      const mid = quads(1, 1 + cc);
      const tail = [...quads(k4 - ct, k4), ...epilogue()];
      shift = kRel.map((kr) => -(nmid - 1) * cc * kr);
      segs = [head, mid, tail];
    } else segs = [head, [...quads(1, k4), ...epilogue()]];
  }
  const stepM = b.streams.map((_, i) => (wS.includes(i) ? Q * Kp : yS.includes(i) || i === tS ? Q : 0));
  const end = stepM.map((st, i) => st + shift[i]!);
  const resolved = resolveIncrements(segs, b.streams.length, end, shift);
  const consts = w16 ? CONSTS16 : [ZERO];
  const pinned = new Set([...Array.from({ length: 2 * rq + (w16 ? SCRATCH16 : SCRATCH) * SETS }, (_, k) => k), ...consts]);
  const sched = resolved.map((ops) => schedule(ops, b.streams, poolRegs(t, pinned), t, 64, new Set(consts)));
  const body = sched.length === 1 ? { head: sched[0]!, tail: [] } : sched.length === 2 ? { head: sched[0]!, tail: sched[1]! }
    : { head: sched[0]!, mid: { lines: sched[1]!, count: midCount }, tail: sched[2]! };
  const steps = (i: number): number[] => (xS.includes(i) ? [R * Kw, 0] : wS.includes(i) ? [0, Q * Kp] : i === tS ? [0, Q] : [R * M, Q]);
  const nest = b.streams.map((st, i) => ({ ...st, base: `${xS.includes(i) ? X.name : wS.includes(i) ? Wt.name : i === tS ? T.name : Y.name}+${st.start}`, steps: steps(i) }));
  void placed;
  return emitNest([p.nc, p.mc], nest, body, t);
}
