// ConvTranspose (deconv) fp32 generator, ONNX semantics (strides 1/2, pads, output_padding,
// bias): polyphase decomposition, one stride-1 tap-list nest per output phase writing every s-th
// word of y (lane stride s), so no multiply touches an inserted zero; stride 2 may pair a row
// phase's column phases in one nest, the input may be copied row-interleaved (shortest variant
// kept). Stride 1: a conv with the flipped kernel. Weights re-laid on the host (deconvWeights).
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { copyPlanes } from './copy.js';
import { interleaveCopy } from './deconv-copy.js';
import { type DeconvGeo, type DeconvShape, deconvGeometry, deconvText, phasePitch, phaseTaps } from './deconv-geometry.js';
import { chooseBlock, tapCandidates } from './deconv-search.js';
import { type Block, type Tap, type TapNest, tapNest } from './deconv-taps.js';
import { dataSection, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspDType, DspKernel } from './kernel.js';

export { type DeconvShape, deconvWeights } from './deconv-geometry.js';
export interface DeconvOptions {
  dtype?: DspDType; block?: Block;
  /** Compute the column phases of a stride-2 row phase in one nest (default true). */
  pair?: boolean;
  /** Row-interleaved input copy with one input stream per row (channel steps by post-increment). */
  interleave?: boolean;
  /** Last input channel by output-channel group with its stores (true) or in channel order (false); default: the shorter. */
  grouped?: boolean;
}

interface PhaseSpec { a: number; b: number; taps: Tap[]; OH: number; OW: number; wOff: number; Kp: number }
/** Phases computed by one nest: one, or the column phases (a,0) and (a,1) of a stride-2 row phase. */
interface NestSpec { a: number; subs: PhaseSpec[]; OH: number; OW: number; taps: Tap[] }

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;

function phaseSpecs(g: DeconvGeo): PhaseSpec[] {
  const out: PhaseSpec[] = [];
  let wOff = 0;
  for (let a = 0; a < g.s; a++) for (let b = 0; b < g.s; b++) {
    const taps = phaseTaps(g, a, b), Kp = phasePitch(g.C, taps.length);
    const OH = g.rows[a]!.n, OW = g.cols[b]!.n;
    if (OH > 0 && OW > 0) out.push({ a, b, taps, OH, OW, wOff, Kp });
    wOff += g.M * Kp;
  }
  return out;
}

/** Group the phases into nests: with `pair`, the column phases of one row phase share a nest. */
function nestSpecs(ph: PhaseSpec[], pair: boolean): NestSpec[] {
  const out: NestSpec[] = [];
  for (const p of ph) {
    const last = out[out.length - 1];
    if (pair && last && last.a === p.a && last.OH === p.OH) { last.subs.push(p); last.OW = Math.max(last.OW, p.OW); last.taps = [...last.taps, ...p.taps]; continue; }
    out.push({ a: p.a, subs: [p], OH: p.OH, OW: p.OW, taps: p.taps });
  }
  return out;
}

interface Layout {
  Hpp: number; Wpp: number; copyIn: boolean; OHy: number; OWy: number; copyOut: boolean; wWords: number;
  /** Row-interleaved padded copy [row][c][col]: channel pitch Wpp, row pitch xRow (else C planes). */
  inter: boolean; xRow: number; xPlane: number;
}

/** Padded input and output scratch sizes for the phases' tile grids. */
function layout(g: DeconvGeo, ns: NestSpec[], blocks: Block[], inter = false): Layout {
  let Hpp = g.PT + g.H, Wpp = g.PL + g.W, OHy = g.OH, OWy = g.OW;
  ns.forEach((p, i) => {
    const OHs = roundUp(p.OH, blocks[i]!.R), OWs = roundUp(p.OW, 4 * blocks[i]!.P);
    Hpp = Math.max(Hpp, OHs + Math.max(...p.taps.map((t) => t.dy)));
    Wpp = Math.max(Wpp, OWs + Math.max(...p.taps.map((t) => t.dx)));
    OHy = Math.max(OHy, p.a + g.s * (OHs - 1) + 1);
    OWy = Math.max(OWy, ...p.subs.map((x) => x.b + g.s * (OWs - 1) + 1));
  });
  const copyIn = inter || Hpp > g.H || Wpp > g.W;
  if (copyIn) Wpp += (12 - (Wpp % 8)) % 8; // rows (channels if interleaved) 4 banks apart: their quads never collide
  else { Hpp = g.H; Wpp = g.W; }
  const xRow = inter ? g.C * Wpp + ((12 - ((g.C * Wpp) % 8)) % 8) : Wpp, xPlane = inter ? Wpp : Hpp * Wpp;
  return { Hpp, Wpp, copyIn, OHy, OWy, copyOut: OHy !== g.OH || OWy !== g.OW, wWords: allWeights(g), inter, xRow, xPlane };
}

const allWeights = (g: DeconvGeo): number => {
  let n = 0;
  for (let a = 0; a < g.s; a++) for (let b = 0; b < g.s; b++) n += g.M * phasePitch(g.C, g.rows[a]!.taps.length * g.cols[b]!.taps.length);
  return n;
};

function place(g: DeconvGeo, L: Layout, t: TargetDesc, what: string): Placed[] {
  return placeTensors([
    { name: 'x', words: g.C * g.H * g.W }, { name: 'w', words: L.wWords }, { name: 'b', words: g.M }, { name: 'y', words: g.M * g.OH * g.OW },
    ...(L.copyIn ? [{ name: 'xs', words: L.inter ? L.Hpp * L.xRow : g.C * L.Hpp * L.Wpp }] : []),
    ...(L.copyOut ? [{ name: 'ys', words: g.M * L.OHy * L.OWy }] : []),
  ], t, what);
}

/** Code of one phase: full groups of Q output channels, then the rest. */
function phaseCode(g: DeconvGeo, p: NestSpec, blk: Block, L: Layout, placed: Placed[], t: TargetDesc, what: string, grouped?: boolean, search = false): string[] {
  const at = (n: string): Placed => placed.find((x) => x.name === n)!;
  const Y = L.copyOut ? at('ys') : at('y');
  const OHs = roundUp(p.OH, blk.R), OWs = roundUp(p.OW, 4 * blk.P);
  const p0 = p.subs[0]!;
  const n: TapNest = {
    C: g.C, taps: p.taps, s: 1, Hpp: L.Hpp, Wpp: L.Wpp, X: L.copyIn ? at('xs') : at('x'), Wt: at('w'), B: at('b'), Y,
    wRow: p0.Kp, wOff: p0.wOff, out: { off: p.a * L.OWy + p0.b, row: g.s * L.OWy, lane: g.s, plane: L.OHy * L.OWy }, OHs, OWs,
    ...(L.inter ? { xRow: L.xRow, xPlane: L.xPlane, rowStreams: true } : {}),
    ...(p.subs.length > 1 ? { subs: p.subs.map((x) => ({ taps: x.taps, wRow: x.Kp, wOff: x.wOff, outOff: x.b - p0.b })) } : {}),
  };
  const full = Math.floor(g.M / blk.Q), rest = g.M % blk.Q;
  const groups = [{ q: blk.Q, count: full, m0: 0 }, { q: rest, count: rest ? 1 : 0, m0: full * blk.Q }].filter((x) => x.count > 0);
  const code: string[] = [];
  for (const gr of groups) {
    // the last channel by output-channel group (its stores overlap it) or in channel order,
    // whichever issues fewer lines; without input reuse if neither schedules
    // (the block search schedules with one scheduler window)
    const one = (reuse: boolean, grouped: boolean): string[] | undefined => {
      try { return tapNest(n, blk, gr, t, reuse, what, grouped, search ? [64] : undefined); } catch (e) {
        if ((e as BwvmError).code !== 'DSPLIB_SCHEDULE' && (e as BwvmError).code !== 'DSPLIB_CODE_SIZE') throw e;
        return undefined;
      }
    };
    const cands = (grouped === undefined ? [true, false] : [grouped]).map((gp) => one(true, gp))
      .filter((c): c is string[] => c !== undefined);
    code.push(...(cands.length ? cands.reduce((a, c) => (staticLines(c) < staticLines(a) ? c : a)) : tapNest(n, blk, gr, t, false, what)));
  }
  return code;
}

interface Built { ph: NestSpec[]; blocks: Block[]; L: Layout; placed: Placed[]; code: string[] }

/** All nests of the kernel (phases grouped by `pair`), blocks chosen by scheduled length. */
function build(g: DeconvGeo, pair: boolean, inter: boolean, t: TargetDesc, opts: DeconvOptions, what: string): Built {
  const ph = nestSpecs(phaseSpecs(g), pair);
  // choose each phase's block (against the layout that block gives every phase; phases with the
  // same tap pattern and size share the choice), then build all phases for the final layout
  const memo = new Map<string, Block>();
  const blocks = ph.map((p) => {
    if (opts.block) return opts.block;
    const dy0 = Math.min(...p.taps.map((x) => x.dy)), dx0 = Math.min(...p.taps.map((x) => x.dx));
    const key = `${p.OH},${p.OW},${p.subs.map((sp) => sp.taps.map((x) => `${x.dy - dy0}.${x.dx - dx0}`).join(' ')).join(' | ')}`;
    const known = memo.get(key);
    if (known) return known;
    const b = chooseBlock(tapCandidates({ C: g.C, M: g.M, OH: p.OH, OW: p.OW, taps: p.taps, s: 1, subs: p.subs.length }, t), (c) => {
      const Lc = layout(g, ph, ph.map(() => c), inter);
      return staticLines(phaseCode(g, p, c, Lc, place(g, Lc, t, what), t, what, opts.grouped, true));
    }, g.C * g.M * p.OH * p.OW * p.taps.length < 500_000);
    memo.set(key, b);
    return b;
  });
  const L = layout(g, ph, blocks, inter), placed = place(g, L, t, what);
  const at = (n: string): Placed => placed.find((x) => x.name === n)!;
  const code: string[] = [];
  if (L.copyIn && L.inter) {
    code.push(...interleaveCopy({ src: at('x'), dst: at('xs'), C: g.C, H: g.H, W: g.W, dstOff: g.PT * L.xRow + g.PL, dstRow: L.xRow, dstChan: L.xPlane }, t));
  } else if (L.copyIn) {
    code.push(...copyPlanes({ src: at('x'), srcOff: 0, srcRow: g.W, srcPlane: g.H * g.W, dst: at('xs'), dstOff: g.PT * L.xRow + g.PL, dstRow: L.xRow,
      dstPlane: L.xPlane, planes: g.C, rows: g.H, cols: g.W }, t));
  }
  ph.forEach((p, i) => code.push(...phaseCode(g, p, blocks[i]!, L, placed, t, what, opts.grouped)));
  if (L.copyOut) {
    code.push(...copyPlanes({ src: at('ys'), srcOff: 0, srcRow: L.OWy, srcPlane: L.OHy * L.OWy, dst: at('y'), dstOff: 0, dstRow: g.OW,
      dstPlane: g.OH * g.OW, planes: g.M, rows: g.OH, cols: g.OW }, t));
  }
  return { ph, blocks, L, placed, code };
}

/** Generate the ConvTranspose kernel for one exact shape on target t. */
export function deconv(sh: DeconvShape, t: TargetDesc, opts: DeconvOptions = {}): DspKernel {
  const dtype = opts.dtype ?? 'f32';
  if (dtype !== 'f32') throw new BwvmError('DSPLIB_DTYPE', `deconv: dtype ${dtype} not implemented yet`, { hint: 'use f32' });
  const g = deconvGeometry(sh);
  const what = `deconv ${deconvText(sh)}`;
  // stride 2: paired column phases (stores pair up on opposite bank halves, shared input loads)
  // against separate phases (twice the output channels per block); keep the shorter kernel
  // and a planar against a row-interleaved input (one more copy, no channel-step address adds)
  const pairs = g.s === 1 ? [false] : opts.pair !== undefined ? [opts.pair] : [true, false];
  const inters = opts.interleave !== undefined ? [opts.interleave] : [false, true];
  const tries = inters.flatMap((inter) => pairs.map((pair) => build(g, pair, inter, t, opts, what)));
  const { ph, blocks, L, placed, code } = tries.reduce((a, b) => (staticLines(b.code) < staticLines(a.code) ? b : a));
  const blockText = ph.map((p, i) => `${p.subs.map((x) => `(${x.a},${x.b})`).join('+')} ${p.taps.length} taps R=${blocks[i]!.R} P=${blocks[i]!.P} Q=${blocks[i]!.Q}`).join('; ');
  const asm = [`// ${what} on ${t.name}: phases ${blockText}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const params: Record<string, number> = { phases: ph.reduce((a, p) => a + p.subs.length, 0), Hpp: L.Hpp, Wpp: L.Wpp, copyIn: L.copyIn ? 1 : 0, copyOut: L.copyOut ? 1 : 0, staticLines: staticLines(code) };
  ph.forEach((p, i) => {
    const b = blocks[i]!;
    for (const x of p.subs) { params[`R${x.a}${x.b}`] = b.R; params[`P${x.a}${x.b}`] = b.P; params[`Q${x.a}${x.b}`] = b.Q; }
  });
  return {
    name: 'deconv', dtype, asm, flops: 2 * g.macs,
    description: `${what} (fp32, NCHW, polyphase, bias)`,
    inputs: [{ symbol: 'x', shape: [1, g.C, g.H, g.W], layout: 'NCHW' }, { symbol: 'w', shape: [L.wWords], layout: 'phase-packed: deconvWeights(shape, w) of ONNX (C, M, kH, kW)' },
      { symbol: 'b', shape: [g.M], layout: 'M' }],
    outputs: [{ symbol: 'y', shape: [1, g.M, g.OH, g.OW], layout: 'NCHW' }],
    params,
  };
}
