// conv2d fp32 generator: NCHW input, OIHW weights, bias, NCHW output, all on-chip. A block is
// R output rows x 4P columns (macro j computes columns ox0+4p+j, so inputs load with lane stride
// = stride and outputs store 4 consecutive words) x Q output channels held in R*P*Q accumulators;
// each tap loads R*P inputs and Q broadcast weights for R*P*Q multiply-accumulates per macro.
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { copyPlanes } from './copy.js';
import { dataSection, emitNest, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspDType, DspKernel } from './kernel.js';
import { type Op, poolRegs, type Reg, schedule } from './schedule.js';

export interface Conv2dShape { N?: number; C: number; H: number; W: number; M: number; kH: number; kW: number; stride: number; pad: number }
export interface Conv2dOptions { dtype?: DspDType; block?: { R: number; P: number; Q: number } }

interface Geo { C: number; H: number; W: number; M: number; kH: number; kW: number; s: number; pad: number; OH: number; OW: number }

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
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

function fits(R: number, P: number, Q: number, t: TargetDesc): boolean {
  return R * P * Q + Math.min(R * P + Q + 4, 24) + MIN_POOL <= t.regsPerMacro && R * P * Q <= 44;
}

/** Estimated cycles of a blocking (used only to choose R, P, Q). */
function estimate(g: Geo, R: number, P: number, Q: number): number {
  const OHs = roundUp(g.OH, R), OWs = roundUp(g.OW, 4 * P);
  const blocks = (OHs / R) * (OWs / (4 * P));
  const full = Math.floor(g.M / Q), rest = g.M % Q;
  const perBlock = (q: number): number => g.C * chanLines(g, R, P, q) + (R * P * q) / 2 + 12;
  return blocks * (full * perBlock(Q) + (rest ? perBlock(rest) : 0));
}

/** Candidate blockings, best estimated first. */
function candidates(g: Geo, t: TargetDesc): Array<{ R: number; P: number; Q: number }> {
  const all: Array<{ b: { R: number; P: number; Q: number }; c: number }> = [];
  for (let P = 1; P <= 8; P++) {
    if (4 * P > roundUp(g.OW, 4)) continue;
    for (let R = 1; R <= Math.min(8, g.OH); R++) {
      for (let Q = 1; Q <= Math.min(16, g.M); Q++) {
        const lpc = chanLines(g, R, P, Q) * 1.15; // a loop body holds 511 lines: one channel must fit a third of it
        if (fits(R, P, Q, t) && (g.C * lpc + 40 <= 470 || 3 * lpc <= 420)) all.push({ b: { R, P, Q }, c: estimate(g, R, P, Q) });
      }
    }
  }
  all.sort((a, b) => a.c - b.c);
  return all.map((x) => x.b);
}
function geometry(sh: Conv2dShape): Geo {
  const { C, H, W, M, kH, kW, stride: s, pad } = sh;
  for (const [k, v] of Object.entries({ C, H, W, M, kH, kW, stride: s })) {
    if (!Number.isInteger(v) || v < 1) throw new BwvmError('DSPLIB_SHAPE', `conv2d: ${k} must be a positive integer (got ${v})`);
  }
  if (!Number.isInteger(pad) || pad < 0) throw new BwvmError('DSPLIB_SHAPE', `conv2d: pad must be >= 0 (got ${pad})`);
  if ((sh.N ?? 1) !== 1) throw new BwvmError('DSPLIB_SHAPE', `conv2d: N=${sh.N}: the kernel computes one image`, { hint: 'call the kernel once per image (N=1)' });
  if (s > 2) throw new BwvmError('DSPLIB_SHAPE', `conv2d: stride ${s} not supported (1 or 2)`, { hint: 'use stride 1 or 2' });
  const OH = Math.floor((H + 2 * pad - kH) / s) + 1, OW = Math.floor((W + 2 * pad - kW) / s) + 1;
  if (OH < 1 || OW < 1) throw new BwvmError('DSPLIB_SHAPE', `conv2d: kernel ${kH}x${kW} larger than the padded input ${H + 2 * pad}x${W + 2 * pad}`);
  return { C, H, W, M, kH, kW, s, pad, OH, OW };
}

const shapeText = (sh: Conv2dShape): string =>
  `C=${sh.C} ${sh.H}x${sh.W} -> M=${sh.M}, ${sh.kH}x${sh.kW} stride ${sh.stride} pad ${sh.pad}`;

/** Generate the conv2d kernel for one exact shape on target t. */
export function conv2d(sh: Conv2dShape, t: TargetDesc, opts: Conv2dOptions = {}): DspKernel {
  const dtype = opts.dtype ?? 'f32';
  if (dtype !== 'f32') throw new BwvmError('DSPLIB_DTYPE', `conv2d: dtype ${dtype} not implemented yet`, { hint: 'use f32' });
  const g = geometry(sh);
  // inputs shared by several output rows stay in registers; when that overflows the pool, reload them
  const buildAny = (b: { R: number; P: number; Q: number }): DspKernel => {
    try { return build(sh, g, b, t, dtype, true); } catch (e) {
      if ((e as BwvmError).code !== 'DSPLIB_SCHEDULE') throw e;
      return build(sh, g, b, t, dtype, false);
    }
  };
  if (opts.block) return buildAny(opts.block);
  let best: DspKernel | undefined, err: unknown;
  // the estimate ranks blockings roughly; the scheduled length decides among the top few and a
  // few shapes that schedule well (4 macros x 4 pixels / 2 rows, 2 pixels x 4 rows, 1 x 4 rows)
  const all = candidates(g, t);
  const key = (b: { R: number; P: number; Q: number }): string => `${b.R},${b.P},${b.Q}`;
  const liked = new Set(['2,4,4', '4,2,4', '4,1,8', '2,2,8', '1,4,8']);
  const pickList = [...all.filter((b) => liked.has(key(b))), ...all.slice(0, 12)].filter((b, i, a) => a.findIndex((x) => key(x) === key(b)) === i);
  let built = 0;
  for (const b of pickList) {
    if (built >= 3 && !liked.has(key(b)) && all.indexOf(b) >= 3) break;
    try {
      const k = buildAny(b);
      built++;
      if (!best || k.params.staticLines! < best.params.staticLines!) best = k;
    } catch (e) { err = e; }
  }
  if (!best) throw err;
  return best;
}

function build(sh: Conv2dShape, g: Geo, blk: { R: number; P: number; Q: number }, t: TargetDesc, dtype: DspDType, reuse: boolean): DspKernel {
  const { R, P, Q } = blk;
  if (!fits(R, P, Q, t)) {
    throw new BwvmError('DSPLIB_REGISTERS', `conv2d ${shapeText(sh)}: block R=${R} P=${P} Q=${Q} needs ${R * P * Q} accumulators + ${R * P + Q} operands per tap; ${t.name} has ${t.regsPerMacro} registers per macro`,
      { hint: 'use a smaller block (R*P*Q <= 44) or let the generator choose' });
  }
  const { C, H, W, M, kH, kW, s, pad, OH, OW } = g;
  const kk = kH * kW, CK = C * kk;
  const Kp = CK % 2 === 0 ? CK + 1 : CK; // odd weight row pitch: the Q weight rows fall in different banks
  const OHs = roundUp(OH, R), OWs = roundUp(OW, 4 * P);
  let Hpp = Math.max(H + 2 * pad, (OHs - 1) * s + kH), Wpp = Math.max(W + 2 * pad, (OWs - 1) * s + kW);
  const copyIn = pad > 0 || Hpp > H || Wpp > W;
  if (copyIn && R > 1 && s === 1 && Wpp % 8 !== 4) Wpp += (12 - (Wpp % 8)) % 8; // rows 4 banks apart
  if (!copyIn) { Hpp = H; Wpp = W; }
  const copyOut = OHs !== OH || OWs !== OW;
  const tensors = [
    { name: 'x', words: C * H * W }, { name: 'w', words: M * Kp }, { name: 'b', words: M }, { name: 'y', words: M * OH * OW },
    ...(copyIn ? [{ name: 'xs', words: C * Hpp * Wpp }] : []),
    ...(copyOut ? [{ name: 'ys', words: M * OHs * OWs }] : []),
  ];
  const placed = placeTensors(tensors, t, `conv2d ${shapeText(sh)}`);
  const at = (n: string): Placed => placed.find((p) => p.name === n)!;
  const X = copyIn ? at('xs') : at('x'), Y = copyOut ? at('ys') : at('y');
  const code: string[] = [];
  if (copyIn) {
    code.push(...copyPlanes({ src: at('x'), srcOff: 0, srcRow: W, srcPlane: H * W, dst: X, dstOff: pad * Wpp + pad, dstRow: Wpp, dstPlane: Hpp * Wpp,
      planes: C, rows: H, cols: W }, t));
  }
  const Gf = Math.floor(M / Q), rest = M % Q;
  const groups: Array<{ q: number; count: number; m0: number }> = [{ q: Q, count: Gf, m0: 0 }];
  if (rest) groups.push({ q: rest, count: 1, m0: Gf * Q });
  for (const gr of groups) {
    if (gr.count === 0) continue;
    code.push(...groupCode(g, gr, { R, P, OHs, OWs, Hpp, Wpp, Kp, reuse }, X, at('w'), at('b'), Y, t, sh));
  }
  if (copyOut) {
    code.push(...copyPlanes({ src: Y, srcOff: 0, srcRow: OWs, srcPlane: OHs * OWs, dst: at('y'), dstOff: 0, dstRow: OW, dstPlane: OH * OW,
      planes: M, rows: OH, cols: OW }, t));
  }
  const staticN = staticLines(code);
  const asm = [`// conv2d ${shapeText(sh)} on ${t.name}: block R=${R} P=${P} Q=${Q}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'conv2d', dtype, asm, flops: 2 * M * CK * OH * OW,
    description: `conv2d ${shapeText(sh)} (fp32, NCHW/OIHW, bias)`,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW' }, { symbol: 'w', shape: [M, C, kH, kW], layout: 'OIHW', rowPitch: Kp }, { symbol: 'b', shape: [M], layout: 'M' }],
    outputs: [{ symbol: 'y', shape: [1, M, OH, OW], layout: 'NCHW' }],
    params: { R, P, Q, OHs, OWs, Hpp, Wpp, Kp, copyIn: copyIn ? 1 : 0, copyOut: copyOut ? 1 : 0, staticLines: staticN },
  };
}

interface Lay { R: number; P: number; OHs: number; OWs: number; Hpp: number; Wpp: number; Kp: number; reuse: boolean }

/** Loop nest computing `count` groups of q output channels starting at m0. */
function groupCode(g: Geo, gr: { q: number; count: number; m0: number }, L: Lay, X: Placed, Wt: Placed, B: Placed, Y: Placed, t: TargetDesc, sh: Conv2dShape): string[] {
  const { C, kH, kW, s } = g, { R, P, OHs, OWs, Hpp, Wpp } = L, Q = gr.q;
  const kk = kH * kW, CK = L.Kp, plane = Hpp * Wpp;
  const b = new OpBuilder(t);
  // streams, heaviest first, each on the generator with the least work so far
  const work = [0, 0, 0];
  const pick = (w: number): number => { let a = 0; for (let k = 1; k < 3; k++) if (work[k]! < work[a]! || (work[k] === work[a] && b.load(k) < b.load(a))) a = k; work[a]! += w; return a; };
  const nIn = 2;
  const inS = Array.from({ length: nIn }, () => b.stream(pick((C * inputLoads(R, P, kH, kW, s)) / nIn), X.addr, 0));
  const wS = Array.from({ length: Q }, (_, q) => b.stream(pick(C * kk), Wt.addr, (gr.m0 + q) * CK));
  const bS = b.stream(pick(R * P * Q), B.addr, gr.m0);
  const yS = Array.from({ length: Q }, (_, q) => b.stream(pick(R * P), Y.addr, (gr.m0 + q) * OHs * OWs));
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
              const rel = c * plane + (r * s + ky) * Wpp + 4 * p * s + kx;
              let v = L.reuse ? seen.get(rel) : undefined;
              if (!v) {
                v = b.vreg(); seen.set(rel, v);
                ops.push(b.loadOp(inS[nLoads++ % nIn]!, rel, 'xyzt', s, v, base + (r * P + p) * Q));
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
  const init: Op[] = [];
  const stores = (): Op[] => {
    const out: Op[] = [];
    const bv: Reg[] = [];
    for (let q = 0; q < Q; q++) { const v = b.vreg(); bv.push(v); out.push(b.loadOp(bS, q, 'xyzt', 0, v, prio - nAcc)); }
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) out.push({ kind: 'fmac', op: 'fadd', acc: acc(r, p, q), a: bv[q]!, b: bv[q]!, prio: prio + acc(r, p, q) });
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) out.push(b.storeOp(yS[q]!, r * OWs + 4 * p, 'xyzt', 1, { p: acc(r, p, q) }, prio + nAcc + acc(r, p, q)));
    return out;
  };
  const lpc = L.reuse ? chanLines(g, R, P, Q) : Math.max((R * P * Q * kk) / 8, ((R * P * kk + Q * kk) / 3) * 1.15);
  const stepC = b.streams.map((_, i) => (inS.includes(i) ? 4 * P * s : yS.includes(i) ? 4 * P : 0));
  let segs: Op[][], midCount = 0;
  let shift = b.streams.map(() => 0);
  if (C * lpc * 1.15 + 40 <= 470) {
    segs = [[...init, ...channels(0, C), ...stores()]];
  } else {
    const cc = Math.floor((420 - lpc * 1.15) / (2 * lpc * 1.15));
    if (cc < 1) throw new BwvmError('DSPLIB_CODE_SIZE', `conv2d ${shapeText(sh)}: one input channel takes ~${Math.round(lpc)} lines; loop bodies hold 511`, { hint: 'use a smaller kernel window or block' });
    const h = 1;
    const rem = C - h;
    let nmid = Math.floor(rem / cc);
    let ct = rem - nmid * cc;
    if (ct === 0) { ct = cc; nmid--; }
    midCount = nmid;
    const head = [...init, ...channels(0, h)];
    if (nmid > 0) {
      const mid = channels(h, h + cc);
      const tail = [...channels(C - ct, C), ...stores()];
      shift = chanRel.map((cr) => -(nmid - 1) * cc * cr);
      segs = [head, mid, tail];
    } else segs = [head, [...channels(h, C), ...stores()]];
  }
  const end = stepC.map((st, i) => st + shift[i]!);
  const resolved = resolveIncrements(segs, b.streams.length, end, shift);
  const pinned = new Set(Array.from({ length: nAcc }, (_, k) => k));
  const pool = poolRegs(t, pinned);
  const sched = resolved.map((ops) => schedule(ops, b.streams, pool, t));
  const body = sched.length === 1 ? { head: sched[0]!, tail: [] } : sched.length === 2 ? { head: sched[0]!, tail: sched[1]! }
    : { head: sched[0]!, mid: { lines: sched[1]!, count: midCount }, tail: sched[2]! };
  const steps = (i: number): number[] => {
    if (inS.includes(i)) return [0, R * s * Wpp, 4 * P * s];
    if (wS.includes(i)) return [Q * CK, 0, 0];
    if (i === bS) return [Q, 0, 0];
    return [Q * OHs * OWs, R * OWs, 4 * P];
  };
  const nest = b.streams.map((st, i) => ({ ...st, base: `${i === bS ? 'b' : inS.includes(i) ? X.name : wS.includes(i) ? 'w' : Y.name}+${st.start}`, steps: steps(i) }));
  return emitNest([gr.count, OHs / R, OWs / (4 * P)], nest, body, t);
}
