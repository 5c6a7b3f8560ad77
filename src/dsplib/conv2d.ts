// conv2d fp32 generator: NCHW input, OIHW weights, bias, NCHW output, all on-chip. A block is
// R output rows x 4P columns (macro j computes columns ox0+4p+j, so inputs load with lane stride
// = stride and outputs store 4 consecutive words) x Q output channels held in R*P*Q accumulators;
// each tap loads R*P inputs and Q broadcast weights for R*P*Q multiply-accumulates per macro.
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { copyPlanes } from './copy.js';
import { dataSection, emitNest, type Placed, placeTensors } from './emit.js';
import type { DspDType, DspKernel } from './kernel.js';
import { type Op, poolRegs, type Reg, schedule } from './schedule.js';

export interface Conv2dShape { N?: number; C: number; H: number; W: number; M: number; kH: number; kW: number; stride: number; pad: number }
export interface Conv2dOptions { dtype?: DspDType; block?: { R: number; P: number; Q: number } }

interface Geo { C: number; H: number; W: number; M: number; kH: number; kW: number; s: number; pad: number; OH: number; OW: number }

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
const tapLines = (R: number, P: number, Q: number): number => Math.max((R * P * Q) / 8, Math.ceil((R * P + Q) / 3) * 1.05);
const MIN_POOL = 8;

function fits(R: number, P: number, Q: number, t: TargetDesc): boolean {
  return R * P * Q + Math.min(R * P + Q + 4, 24) + MIN_POOL <= t.regsPerMacro && R * P * Q <= 44;
}

/** Estimated cycles of a blocking (used only to choose R, P, Q). */
function estimate(g: Geo, R: number, P: number, Q: number): number {
  const OHs = roundUp(g.OH, R), OWs = roundUp(g.OW, 4 * P);
  const blocks = (OHs / R) * (OWs / (4 * P));
  const full = Math.floor(g.M / Q), rest = g.M % Q;
  const kk = g.kH * g.kW;
  const perBlock = (q: number): number => g.C * kk * tapLines(R, P, q) + (R * P * q) / 2 + 12;
  return blocks * (full * perBlock(Q) + (rest ? perBlock(rest) : 0));
}

function choose(g: Geo, t: TargetDesc): { R: number; P: number; Q: number } {
  let best = { R: 1, P: 1, Q: 1 }, bestCost = Infinity;
  for (let P = 1; P <= 8; P++) {
    if (4 * P > roundUp(g.OW, 4) || P * g.s > 7 * 4) continue;
    for (let R = 1; R <= Math.min(8, g.OH); R++) {
      for (let Q = 1; Q <= Math.min(16, g.M); Q++) {
        if (!fits(R, P, Q, t)) continue;
        const c = estimate(g, R, P, Q);
        if (c < bestCost) { bestCost = c; best = { R, P, Q }; }
      }
    }
  }
  return best;
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
  const blk = opts.block ?? choose(g, t);
  const { R, P, Q } = blk;
  if (!fits(R, P, Q, t)) {
    throw new BwvmError('DSPLIB_REGISTERS', `conv2d ${shapeText(sh)}: block R=${R} P=${P} Q=${Q} needs ${R * P * Q} accumulators + ${R * P + Q} operands per tap; ${t.name} has ${t.regsPerMacro} registers per macro`,
      { hint: 'use a smaller block (R*P*Q <= 44) or let the generator choose' });
  }
  const { C, H, W, M, kH, kW, s, pad, OH, OW } = g;
  const kk = kH * kW, CK = C * kk;
  const OHs = roundUp(OH, R), OWs = roundUp(OW, 4 * P);
  let Hpp = Math.max(H + 2 * pad, (OHs - 1) * s + kH), Wpp = Math.max(W + 2 * pad, (OWs - 1) * s + kW);
  const copyIn = pad > 0 || Hpp > H || Wpp > W;
  if (copyIn && R > 1 && s === 1 && Wpp % 8 !== 4) Wpp += (12 - (Wpp % 8)) % 8; // rows 4 banks apart
  if (!copyIn) { Hpp = H; Wpp = W; }
  const copyOut = OHs !== OH || OWs !== OW;
  const tensors = [
    { name: 'x', words: C * H * W }, { name: 'w', words: M * CK }, { name: 'b', words: M }, { name: 'y', words: M * OH * OW },
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
    code.push(...groupCode(g, gr, { R, P, OHs, OWs, Hpp, Wpp }, X, at('w'), at('b'), Y, t, sh));
  }
  if (copyOut) {
    code.push(...copyPlanes({ src: Y, srcOff: 0, srcRow: OWs, srcPlane: OHs * OWs, dst: at('y'), dstOff: 0, dstRow: OW, dstPlane: OH * OW,
      planes: M, rows: OH, cols: OW }, t));
  }
  const asm = [`// conv2d ${shapeText(sh)} on ${t.name}: block R=${R} P=${P} Q=${Q}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'conv2d', dtype, asm, flops: 2 * M * CK * OH * OW,
    description: `conv2d ${shapeText(sh)} (fp32, NCHW/OIHW, bias)`,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW' }, { symbol: 'w', shape: [M, C, kH, kW], layout: 'OIHW' }, { symbol: 'b', shape: [M], layout: 'M' }],
    outputs: [{ symbol: 'y', shape: [1, M, OH, OW], layout: 'NCHW' }],
    params: { R, P, Q, OHs, OWs, Hpp, Wpp },
  };
}

interface Lay { R: number; P: number; OHs: number; OWs: number; Hpp: number; Wpp: number }

/** Loop nest computing `count` groups of q output channels starting at m0. */
function groupCode(g: Geo, gr: { q: number; count: number; m0: number }, L: Lay, X: Placed, Wt: Placed, B: Placed, Y: Placed, t: TargetDesc, sh: Conv2dShape): string[] {
  const { C, kH, kW, s } = g, { R, P, OHs, OWs, Hpp, Wpp } = L, Q = gr.q;
  const kk = kH * kW, CK = C * kk, plane = Hpp * Wpp;
  const b = new OpBuilder(t);
  // streams, heaviest first, each on the generator with the least work so far
  const work = [0, 0, 0];
  const pick = (w: number): number => { let a = 0; for (let k = 1; k < 3; k++) if (work[k]! < work[a]! || (work[k] === work[a] && b.load(k) < b.load(a))) a = k; work[a]! += w; return a; };
  const inS = Array.from({ length: R }, (_, r) => b.stream(pick(C * kk * P), X.addr, r * s * Wpp));
  const wS = Array.from({ length: Q }, (_, q) => b.stream(pick(C * kk), Wt.addr, (gr.m0 + q) * CK));
  const bS = b.stream(pick(R * P * Q), B.addr, gr.m0);
  const yS = Array.from({ length: Q }, (_, q) => b.stream(pick(R * P), Y.addr, (gr.m0 + q) * OHs * OWs));
  const acc = (r: number, p: number, q: number): number => (r * P + p) * Q + q;
  const nAcc = R * P * Q;
  const chanRel = b.streams.map((_, i) => (inS.includes(i) ? plane : wS.includes(i) ? kk : 0));
  let prio = nAcc; // fmac priority counter (bias loads take 0..nAcc-1)
  const channels = (c0: number, c1: number): Op[] => {
    const ops: Op[] = [];
    for (let c = c0; c < c1; c++) {
      for (let ky = 0; ky < kH; ky++) {
        for (let kx = 0; kx < kW; kx++) {
          const base = prio;
          const wv: Reg[] = [], iv: Reg[][] = [];
          for (let q = 0; q < Q; q++) { const v = b.vreg(); wv.push(v); ops.push(b.loadOp(wS[q]!, c * kk + ky * kW + kx, 'xyzt', 0, v, base + q)); }
          for (let r = 0; r < R; r++) {
            iv.push([]);
            for (let p = 0; p < P; p++) {
              const v = b.vreg(); iv[r]!.push(v);
              ops.push(b.loadOp(inS[r]!, c * plane + ky * Wpp + 4 * p * s + kx, 'xyzt', s, v, base + (r * P + p) * Q));
            }
          }
          for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) {
            ops.push({ kind: 'fmac', acc: acc(r, p, q), a: iv[r]![p]!, b: wv[q]!, prio: prio++ });
          }
        }
      }
    }
    return ops;
  };
  const init: Op[] = [];
  for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) init.push(b.loadOp(bS, q, 'xyzt', 0, { p: acc(r, p, q) }, acc(r, p, q)));
  const stores = (): Op[] => {
    const out: Op[] = [];
    for (let q = 0; q < Q; q++) for (let r = 0; r < R; r++) for (let p = 0; p < P; p++) out.push(b.storeOp(yS[q]!, r * OWs + 4 * p, 'xyzt', 1, { p: acc(r, p, q) }, prio + acc(r, p, q)));
    return out;
  };
  const lpc = kk * tapLines(R, P, Q);
  const stepC = b.streams.map((_, i) => (inS.includes(i) ? 4 * P * s : yS.includes(i) ? 4 * P : 0));
  let segs: Op[][], midCount = 0;
  let shift = b.streams.map(() => 0);
  if (C * lpc <= 440) {
    const body = channels(0, C);
    segs = [[...init, ...body, ...stores()]];
  } else {
    const cc = Math.max(1, Math.floor(140 / lpc));
    if (3 * cc * lpc > 470) throw new BwvmError('DSPLIB_CODE_SIZE', `conv2d ${shapeText(sh)}: one input channel takes ~${Math.round(lpc)} lines; loop bodies hold 511`, { hint: 'use a smaller kernel window' });
    const rem = C - cc;
    let nmid = Math.floor(rem / cc), h = rem - nmid * cc;
    if (h === 0) { h = cc; nmid--; }
    midCount = nmid;
    const head = [...init, ...channels(0, h)];
    if (nmid > 0) {
      const mid = channels(h, h + cc);
      const tail = [...channels(C - cc, C), ...stores()];
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
