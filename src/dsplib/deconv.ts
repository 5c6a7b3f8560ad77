// ConvTranspose (deconv) fp32 generator, ONNX semantics (strides 1/2, pads, output_padding,
// bias): polyphase decomposition, one stride-1 tap-list nest per output phase writing every s-th
// word of the output (lane stride s), so no multiply touches an inserted zero. Stride 1 is the
// single phase: a conv with the flipped kernel. Weights are re-laid on the host (deconvWeights).
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { copyPlanes } from './copy.js';
import { type DeconvGeo, type DeconvShape, deconvGeometry, deconvText, phasePitch, phaseTaps } from './deconv-geometry.js';
import { chooseBlock, tapCandidates } from './deconv-search.js';
import { type Block, type Tap, type TapNest, tapNest } from './deconv-taps.js';
import { dataSection, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspDType, DspKernel } from './kernel.js';

export { type DeconvShape, deconvWeights } from './deconv-geometry.js';
export interface DeconvOptions { dtype?: DspDType; block?: Block }

interface PhaseSpec { a: number; b: number; taps: Tap[]; OH: number; OW: number; wOff: number; Kp: number }

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

interface Layout { Hpp: number; Wpp: number; copyIn: boolean; OHy: number; OWy: number; copyOut: boolean; wWords: number }

/** Padded input and output scratch sizes for the phases' tile grids. */
function layout(g: DeconvGeo, ph: PhaseSpec[], blocks: Block[]): Layout {
  let Hpp = g.PT + g.H, Wpp = g.PL + g.W, OHy = g.OH, OWy = g.OW;
  ph.forEach((p, i) => {
    const OHs = roundUp(p.OH, blocks[i]!.R), OWs = roundUp(p.OW, 4 * blocks[i]!.P);
    Hpp = Math.max(Hpp, OHs + Math.max(...p.taps.map((t) => t.dy)));
    Wpp = Math.max(Wpp, OWs + Math.max(...p.taps.map((t) => t.dx)));
    OHy = Math.max(OHy, p.a + g.s * (OHs - 1) + 1);
    OWy = Math.max(OWy, p.b + g.s * (OWs - 1) + 1);
  });
  const copyIn = Hpp > g.H || Wpp > g.W;
  if (copyIn) Wpp += (12 - (Wpp % 8)) % 8; // rows 4 banks apart: quads of two rows never collide
  else { Hpp = g.H; Wpp = g.W; }
  return { Hpp, Wpp, copyIn, OHy, OWy, copyOut: OHy !== g.OH || OWy !== g.OW, wWords: allWeights(g) };
}

const allWeights = (g: DeconvGeo): number => {
  let n = 0;
  for (let a = 0; a < g.s; a++) for (let b = 0; b < g.s; b++) n += g.M * phasePitch(g.C, g.rows[a]!.taps.length * g.cols[b]!.taps.length);
  return n;
};

function place(g: DeconvGeo, L: Layout, t: TargetDesc, what: string): Placed[] {
  return placeTensors([
    { name: 'x', words: g.C * g.H * g.W }, { name: 'w', words: L.wWords }, { name: 'b', words: g.M }, { name: 'y', words: g.M * g.OH * g.OW },
    ...(L.copyIn ? [{ name: 'xs', words: g.C * L.Hpp * L.Wpp }] : []),
    ...(L.copyOut ? [{ name: 'ys', words: g.M * L.OHy * L.OWy }] : []),
  ], t, what);
}

/** Code of one phase: full groups of Q output channels, then the rest. */
function phaseCode(g: DeconvGeo, p: PhaseSpec, blk: Block, L: Layout, placed: Placed[], t: TargetDesc, what: string): string[] {
  const at = (n: string): Placed => placed.find((x) => x.name === n)!;
  const Y = L.copyOut ? at('ys') : at('y');
  const OHs = roundUp(p.OH, blk.R), OWs = roundUp(p.OW, 4 * blk.P);
  const n: TapNest = {
    C: g.C, taps: p.taps, s: 1, Hpp: L.Hpp, Wpp: L.Wpp, X: L.copyIn ? at('xs') : at('x'), Wt: at('w'), B: at('b'), Y,
    wRow: p.Kp, wOff: p.wOff, out: { off: p.a * L.OWy + p.b, row: g.s * L.OWy, lane: g.s, plane: L.OHy * L.OWy }, OHs, OWs,
  };
  const full = Math.floor(g.M / blk.Q), rest = g.M % blk.Q;
  const groups = [{ q: blk.Q, count: full, m0: 0 }, { q: rest, count: rest ? 1 : 0, m0: full * blk.Q }].filter((x) => x.count > 0);
  const code: string[] = [];
  for (const gr of groups) {
    try { code.push(...tapNest(n, blk, gr, t, true, what)); } catch (e) {
      if ((e as BwvmError).code !== 'DSPLIB_SCHEDULE') throw e;
      code.push(...tapNest(n, blk, gr, t, false, what));
    }
  }
  return code;
}

/** Generate the ConvTranspose kernel for one exact shape on target t. */
export function deconv(sh: DeconvShape, t: TargetDesc, opts: DeconvOptions = {}): DspKernel {
  const dtype = opts.dtype ?? 'f32';
  if (dtype !== 'f32') throw new BwvmError('DSPLIB_DTYPE', `deconv: dtype ${dtype} not implemented yet`, { hint: 'use f32' });
  const g = deconvGeometry(sh);
  const what = `deconv ${deconvText(sh)}`;
  const ph = phaseSpecs(g);
  // choose each phase's block (against the layout that block gives every phase; phases with the
  // same tap pattern and size share the choice), then build all phases for the final layout
  const memo = new Map<string, Block>();
  const blocks = ph.map((p) => {
    if (opts.block) return opts.block;
    const dy0 = Math.min(...p.taps.map((x) => x.dy)), dx0 = Math.min(...p.taps.map((x) => x.dx));
    const key = `${p.OH},${p.OW},${p.taps.map((x) => `${x.dy - dy0}.${x.dx - dx0}`).join(' ')}`;
    const known = memo.get(key);
    if (known) return known;
    const b = chooseBlock(tapCandidates({ C: g.C, M: g.M, OH: p.OH, OW: p.OW, taps: p.taps, s: 1 }, t), (c) => {
      const Lc = layout(g, ph, ph.map(() => c));
      return staticLines(phaseCode(g, p, c, Lc, place(g, Lc, t, what), t, what));
    }, g.C * g.M * p.OH * p.OW * p.taps.length < 500_000);
    memo.set(key, b);
    return b;
  });
  const L = layout(g, ph, blocks), placed = place(g, L, t, what);
  const at = (n: string): Placed => placed.find((x) => x.name === n)!;
  const code: string[] = [];
  if (L.copyIn) {
    code.push(...copyPlanes({ src: at('x'), srcOff: 0, srcRow: g.W, srcPlane: g.H * g.W, dst: at('xs'), dstOff: g.PT * L.Wpp + g.PL, dstRow: L.Wpp,
      dstPlane: L.Hpp * L.Wpp, planes: g.C, rows: g.H, cols: g.W }, t));
  }
  ph.forEach((p, i) => code.push(...phaseCode(g, p, blocks[i]!, L, placed, t, what)));
  if (L.copyOut) {
    code.push(...copyPlanes({ src: at('ys'), srcOff: 0, srcRow: L.OWy, srcPlane: L.OHy * L.OWy, dst: at('y'), dstOff: 0, dstRow: g.OW,
      dstPlane: g.OH * g.OW, planes: g.M, rows: g.OH, cols: g.OW }, t));
  }
  const blockText = ph.map((p, i) => `(${p.a},${p.b}) ${p.taps.length} taps R=${blocks[i]!.R} P=${blocks[i]!.P} Q=${blocks[i]!.Q}`).join('; ');
  const asm = [`// ${what} on ${t.name}: phases ${blockText}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const params: Record<string, number> = { phases: ph.length, Hpp: L.Hpp, Wpp: L.Wpp, copyIn: L.copyIn ? 1 : 0, copyOut: L.copyOut ? 1 : 0, staticLines: staticLines(code) };
  ph.forEach((p, i) => { const b = blocks[i]!; params[`R${p.a}${p.b}`] = b.R; params[`P${p.a}${p.b}`] = b.P; params[`Q${p.a}${p.b}`] = b.Q; });
  return {
    name: 'deconv', dtype, asm, flops: 2 * g.macs,
    description: `${what} (fp32, NCHW, polyphase, bias)`,
    inputs: [{ symbol: 'x', shape: [1, g.C, g.H, g.W], layout: 'NCHW' }, { symbol: 'w', shape: [L.wWords], layout: 'phase-packed: deconvWeights(shape, w) of ONNX (C, M, kH, kW)' },
      { symbol: 'b', shape: [g.M], layout: 'M' }],
    outputs: [{ symbol: 'y', shape: [1, g.M, g.OH, g.OW], layout: 'NCHW' }],
    params,
  };
}
