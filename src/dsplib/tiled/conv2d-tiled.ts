// DDR-tiled conv2d: x, w, b, y live in DDR (`.ddr`); the layer is computed in tiles (output row
// band x output-channel group, see plan.ts) whose data are streamed with double-buffered DMA:
// the next band's input and the next tile's weights load into the idle ping/pong buffer while the
// current tile computes, and each finished output tile is written back while the next computes.
// DMA starts are spread over the group nests of a tile so a channel is idle when it is reused.
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';
import { type Block, chooseBuild, type Conv2dShape, fits, type Geo, geometry, groupCode, roundUp, shapeText } from '../conv2d-core.js';
import { type Epi, epiConstData, epilogueOf, type EpilogueOptions, epiPinned, epiText } from '../conv2d-epilogue.js';
import { dataSection, type Placed, staticLines } from '../emit.js';
import type { DspKernel } from '../kernel.js';
import { type Dma, DmaTable } from './dma.js';
import { bandData, choosePlan, type TilePlan } from './plan.js';

export interface Conv2dTiledOptions extends Omit<EpilogueOptions, 'addend'> {
  block?: Block;
  /** On-chip words the kernel may use (default: all of the target's). */
  budgetWords?: number;
  /** Force the tile shape: output rows per band (multiple of the block's R) and channels per group. */
  tile?: { TH: number; MG: number };
}

/** Generate a DDR-tiled conv2d for one exact shape (N = 1) on target t. */
export function conv2dTiled(sh: Conv2dShape, t: TargetDesc, opts: Conv2dTiledOptions = {}): DspKernel {
  const g = geometry(sh);
  if ((sh.N ?? 1) !== 1) throw new BwvmError('DSPLIB_SHAPE', `conv2d_tiled: N=${sh.N}: the tiled kernel computes one image`, { hint: 'call it once per image, or use conv2d (on-chip) with N' });
  if ((opts as EpilogueOptions).addend) throw new BwvmError('DSPLIB_OPTION', 'conv2d_tiled: a fused addend is not supported by the tiled kernel', { hint: 'run the add as a separate kernel' });
  const epi = epilogueOf(opts);
  const buildAny = (b: Block): DspKernel => {
    try { return build(sh, g, b, t, epi, opts, true); } catch (e) {
      if ((e as BwvmError).code !== 'DSPLIB_SCHEDULE') throw e;
      return build(sh, g, b, t, epi, opts, false);
    }
  };
  if (opts.block) return buildAny(opts.block);
  return chooseBuild(g, t, epiPinned(epi).length, buildAny, (k) => k.params.staticLines! + k.params.exposedWords! / 4);
}

interface Tile { b: number; gi: number; oh0: number; th: number; m0: number; mg: number }

function build(sh: Conv2dShape, g: Geo, blk: Block, t: TargetDesc, epi: Epi, o: Conv2dTiledOptions, reuse: boolean): DspKernel {
  const { R, P, Q } = blk;
  const what = `conv2d_tiled ${shapeText(sh)}`;
  if (!fits(R, P, Q, t, epiPinned(epi).length)) {
    throw new BwvmError('DSPLIB_REGISTERS', `${what}: block R=${R} P=${P} Q=${Q} does not fit ${t.regsPerMacro} registers per macro`, { hint: 'let the generator choose the block' });
  }
  const p = choosePlan(g, blk, t, what, o.budgetWords, o.tile);
  const { C, H, W, M, OH, OW } = g;
  const at = (n: string): Placed | undefined => p.placed.find((x) => x.name === n);
  const xb = [at('xb0')!, at('xb1') ?? at('xb0')!], wb = [at('wb0')!, at('wb1') ?? at('wb0')!], yb = [at('yb0')!, at('yb1') ?? at('yb0')!];
  const plane = p.bandRows * p.Wpp;
  const tiles: Tile[] = [];
  for (let b = 0; b < p.nb; b++) {
    for (let gi = 0; gi < p.ng; gi++) {
      const oh0 = b * p.TH, m0 = gi * p.MG;
      tiles.push({ b, gi, oh0, th: Math.min(p.TH, OH - oh0), m0, mg: Math.min(p.MG, M - m0) });
    }
  }
  const dt = new DmaTable();
  let zerosNeeded = 0;
  const xUses = [0, 0];
  /** DMAs loading band b's input into its buffer (stale pad rows zeroed when the buffer was used before). */
  const bandDmas = (b: number, ch: (i: number) => number): Dma[] => {
    const th = Math.min(p.TH, OH - b * p.TH), buf = xb[b % 2]!;
    const { pr0, h0, h1 } = bandData(g, R, b * p.TH, th);
    const rows = (roundUp(th, R) - 1) * g.s + g.kH;
    const out: Dma[] = [];
    if (xUses[b % 2]!++ > 0) {
      const top = Math.min(rows, Math.max(0, g.pad - pr0)), bot0 = Math.max(0, H + g.pad - pr0);
      for (const [r0, r1] of [[0, top], [bot0, rows]] as const) {
        if (r1 <= r0) continue;
        zerosNeeded = Math.max(zerosNeeded, (r1 - r0) * p.Wpp);
        out.push(dt.add({ dir: 'in', ch: ch(out.length), src: 'zeros', dst: `${buf.name}+${r0 * p.Wpp}`, len: (r1 - r0) * p.Wpp, rows: C, sstr: 0, dstr: plane }));
      }
    }
    if (h1 > h0) {
      for (let c = 0; c < C; c++) {
        out.push(dt.add({ dir: 'in', ch: ch(out.length), src: `x+${c * H * W + h0 * W}`, dst: `${buf.name}+${c * plane + (h0 + g.pad - pr0) * p.Wpp + g.pad}`,
          len: W, rows: h1 - h0, sstr: W, dstr: p.Wpp }));
      }
    }
    return out;
  };
  const wDma = (tl: Tile, i: number, ch: number): Dma =>
    dt.add({ dir: 'in', ch, src: `w+${tl.m0 * p.Kp}`, dst: wb[i % 2]!.name, len: tl.mg * p.Kp, rows: 1, sstr: 0, dstr: 0 });
  const yDmas = (tl: Tile, i: number): Dma[] => {
    const OHs = roundUp(tl.th, R), buf = yb[i % 2]!, ch = 2 + (i % 2);
    if (OHs === tl.th && p.nb === 1) {
      return [dt.add({ dir: 'out', ch, src: buf.name, dst: `y+${tl.m0 * OH * OW}`, len: OW, rows: tl.mg * tl.th, sstr: p.OWs, dstr: OW })];
    }
    return Array.from({ length: tl.mg }, (_, m) => dt.add({ dir: 'out', ch, src: `${buf.name}+${m * OHs * p.OWs}`, dst: `y+${(tl.m0 + m) * OH * OW + tl.oh0 * OW}`,
      len: OW, rows: tl.th, sstr: p.OWs, dstr: OW }));
  };
  const consts = epiConstData(epi, 'kc');
  const code: string[] = [...consts.code];
  // prologue: bias, weights (all or the first tile's), band 0; round robin over the 4 channels
  const pro: Dma[] = [];
  pro.push(dt.add({ dir: 'in', ch: 0, src: 'b', dst: 'bb', len: M, rows: 1, sstr: 0, dstr: 0 }));
  pro.push(p.wResident ? dt.add({ dir: 'in', ch: 1, src: 'w', dst: 'wb0', len: M * p.Kp, rows: 1, sstr: 0, dstr: 0 }) : wDma(tiles[0]!, 0, 1));
  pro.push(...bandDmas(0, (k) => (2 + k) % 4));
  for (const d of pro) code.push(...dt.issue(d, 'dt'));
  code.push('dma0 wait', 'dma1 wait', 'dma2 wait', 'dma3 wait');
  let pendingY: Dma[] = [], pendingX: Dma[] = [];
  const groupsOf = (mg: number): Array<{ q: number; m0: number }> => {
    const out: Array<{ q: number; m0: number }> = [];
    for (let m = 0; m < mg; m += Q) out.push({ q: Math.min(Q, mg - m), m0: m });
    return out;
  };
  let nDmaStalls = 0;
  tiles.forEach((tl, i) => {
    if (tl.gi === 0 && tl.b > 0) code.push('dma0 wait');
    if (!p.wResident && i > 0) code.push('dma1 wait');
    if (i >= 2) code.push(`dma${2 + (i % 2)} wait`);
    if (!p.wResident && i + 1 < tiles.length) code.push(...dt.issue(wDma(tiles[i + 1]!, i + 1, 1), 'dt'));
    if (tl.gi === 0 && tl.b + 1 < p.nb) pendingX = bandDmas(tl.b + 1, () => 0);
    const groups = groupsOf(tl.mg);
    const bandPointsLeft = (k: number): number => (p.ng - 1 - tl.gi) * Math.ceil(p.MG / Q) + (groups.length - k);
    const OHs = roundUp(tl.th, R);
    groups.forEach((gr, k) => {
      // spread pending starts over the issue points left (before each group nest)
      const ny = Math.ceil(pendingY.length / (groups.length - k)), nx = Math.ceil(pendingX.length / Math.max(1, bandPointsLeft(k)));
      for (const d of [...pendingY.splice(0, ny), ...pendingX.splice(0, nx)]) code.push(...dt.issue(d, 'dt'));
      if (ny > 1 || nx > 1) nDmaStalls++;
      const tg: Geo = { ...g, M: tl.mg, OH: tl.th };
      code.push(...groupCode(tg, { q: gr.q, count: 1, m0: gr.m0 }, { R, P, OHs, OWs: p.OWs, Hpp: p.bandRows, Wpp: p.Wpp, Kp: p.Kp, reuse },
        { X: xb[tl.b % 2]!, xOff: 0, W: wb[p.wResident ? 0 : i % 2]!, wOff: p.wResident ? tl.m0 * p.Kp : 0, B: at('bb')!, bOff: tl.m0, Y: yb[i % 2]!, yOff: 0 }, epi, t, what));
    });
    for (const d of pendingY) code.push(...dt.issue(d, 'dt')); // (only when a tile had no group left)
    const ys = yDmas(tl, i);
    code.push(...dt.issue(ys[0]!, 'dt'));
    pendingY = ys.slice(1);
    if (i === tiles.length - 1) { for (const d of [...pendingY, ...pendingX]) code.push(...dt.issue(d, 'dt')); pendingY = []; }
  });
  const descWords = 6 * dt.list.length;
  const dtP = at('dt')!;
  if (descWords > dtP.words) throw new Error(`dsplib: DMA table of ${descWords} words exceeds its ${dtP.words}-word slot`);
  const ddr = ['.ddr', `x: .space ${C * H * W}`, `w: .space ${M * p.Kp}`, `b: .space ${M}`, `y: .space ${M * OH * OW}`, `zeros: .space ${Math.max(1, zerosNeeded)}`];
  const staticN = staticLines(code);
  const asm = [`// ${what}${epiText(epi)} on ${t.name}: block R=${R} P=${P} Q=${Q}; tiles ${p.nb} bands of ${p.TH} rows x ${p.ng} groups of ${p.MG} channels`,
    ...dataSection(p.placed.filter((x) => x.name !== 'kc' && x.name !== 'dt')), `.org ${at('kc')!.addr}`, consts.data, `.org ${dtP.addr}`, ...dt.data('dt'), ...ddr,
    '.text', 'main:', ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const ddrWords = dt.list.reduce((a, d) => a + (d.src === 'zeros' ? 0 : d.words), 0);
  return {
    name: 'conv2d_tiled', dtype: 'f32', asm, flops: 2 * M * C * g.kH * g.kW * OH * OW,
    description: `conv2d_tiled ${shapeText(sh)}${epiText(epi)} (fp32, x/w/b/y in DDR, double-buffered DMA tiles)`,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW', space: 'ddr' }, { symbol: 'w', shape: [M, C, g.kH, g.kW], layout: 'OIHW', rowPitch: p.Kp, space: 'ddr' },
      { symbol: 'b', shape: [M], layout: 'M', space: 'ddr' }],
    outputs: [{ symbol: 'y', shape: [1, M, OH, OW], layout: 'NCHW', space: 'ddr' }],
    params: { R, P, Q, TH: p.TH, bands: p.nb, MG: p.MG, groups: p.ng, tiles: tiles.length, wResident: p.wResident ? 1 : 0, bandRows: p.bandRows, Wpp: p.Wpp, OWs: p.OWs, Kp: p.Kp,
      ddrWords, exposedWords: p.exposedWords, dmaTransfers: dt.list.length, crowdedIssuePoints: nDmaStalls, staticLines: staticN },
  };
}
