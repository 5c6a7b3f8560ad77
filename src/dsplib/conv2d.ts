// conv2d fp32 generator, all data on-chip: NCHW input (N images, looped by repeating the image's
// code), OIHW weights, bias, optional fused residual addend and activation, NCHW output. The
// compute core (register blocking, loop nests) is conv2d-core.ts; DDR-tiled layers: tiled/.
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { copyPlanes } from './copy.js';
import { type Block, candidates, chooseBuild, type Conv2dShape, fits, type Geo, geometry, groupCode, roundUp, shapeText } from './conv2d-core.js';
import { type ConvPool, type Epi, epiConstData, epiConstWords, epilogueOf, type EpilogueOptions, epiPinned, epiText, withPool } from './conv2d-epilogue.js';
import { dataSection, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspDType, DspKernel, KernelTensor } from './kernel.js';

export type { Conv2dShape } from './conv2d-core.js';
export interface Conv2dOptions extends EpilogueOptions {
  dtype?: DspDType; block?: Block;
  /** Fuse a 2x2 stride-2 max / average pool (floor mode) after the activation: y is the pooled tensor. */
  pool?: ConvPool;
  /**
   * x is already stored in this kernel's zero-bordered layout (C planes of params.Hpp x params.Wpp words, the
   * image at row and column `pad`): no input copy (N = 1; no effect when the kernel reads x in place anyway).
   */
  xPadded?: boolean;
  /**
   * With xPadded: x shares a memory block with w where the kernel runs, so its own layout puts x right before
   * w (the schedule then avoids their bank conflicts); default: x in a block of its own, like the scratch copy.
   */
  xNearW?: boolean;
  /** Store y's M planes of YH x YW at word `offset` of y with these row and plane pitches (e.g. a consumer's zero-bordered layout; N = 1). */
  yLayout?: { row: number; plane: number; offset: number };
}

/** Generate the conv2d kernel for one exact shape on target t. */
export function conv2d(sh: Conv2dShape, t: TargetDesc, opts: Conv2dOptions = {}): DspKernel {
  const dtype = opts.dtype ?? 'f32';
  if (dtype !== 'f32') throw new BwvmError('DSPLIB_DTYPE', `conv2d: dtype ${dtype} not implemented yet`, { hint: 'use f32' });
  const g = geometry(sh);
  const epi = withPool(epilogueOf(opts), opts.pool);
  if (epi.pool && (g.OH < 2 || g.OW < 2)) throw new BwvmError('DSPLIB_SHAPE', `conv2d ${shapeText(sh)}: a fused 2x2 pool needs an output of at least 2x2 (got ${g.OH}x${g.OW})`);
  // inputs shared by several output rows stay in registers; when that overflows the pool, reload them
  const buildAny = (b: Block): DspKernel => {
    try { return build(sh, g, b, t, dtype, epi, true, opts); } catch (e) {
      if ((e as BwvmError).code !== 'DSPLIB_SCHEDULE') throw e;
      return build(sh, g, b, t, dtype, epi, false, opts);
    }
  };
  if (opts.block) return buildAny(opts.block);
  return chooseBuild(g, t, epiPinned(epi).length, buildAny, (k) => k.params.staticLines!, epi.pool !== undefined);
}

/**
 * Blockings conv2d can build for this shape and epilogue, best estimated first (at most `n`), plus
 * those its default chooser always tries. For callers choosing by their own objective (pass one back
 * as `block`); conv2d's own choice is unchanged.
 */
export function conv2dBlocks(sh: Conv2dShape, t: TargetDesc, opts: Conv2dOptions = {}, n = 8): Block[] {
  const epi = withPool(epilogueOf(opts), opts.pool);
  const all = candidates(geometry(sh), t, epiPinned(epi).length, epi.pool !== undefined);
  const liked = new Set(['2,4,4', '4,2,4', '4,1,8', '2,2,8', '1,4,8']);
  return all.filter((b, i) => i < n || liked.has(`${b.R},${b.P},${b.Q}`));
}

/** Padded scratch geometry for a block grid: rows/pitch of the zero-bordered input copy. */
export function paddedLayout(g: Geo, R: number, P: number): { OHs: number; OWs: number; Hpp: number; Wpp: number; copyIn: boolean } {
  const OHs = roundUp(g.OH, R), OWs = roundUp(g.OW, 4 * P);
  const Hpp = Math.max(g.H + 2 * g.pad, (OHs - 1) * g.s + g.kH);
  let Wpp = Math.max(g.W + 2 * g.pad, (OWs - 1) * g.s + g.kW);
  const copyIn = g.pad > 0 || Hpp > g.H || Wpp > g.W; // x itself serves when no border is needed
  if (R > 1 && g.s === 1 && Wpp % 8 !== 4) Wpp += (12 - (Wpp % 8)) % 8; // rows 4 banks apart
  return { OHs, OWs, Hpp, Wpp, copyIn };
}

function build(sh: Conv2dShape, g: Geo, blk: Block, t: TargetDesc, dtype: DspDType, epi: Epi, reuse: boolean, lay: Pick<Conv2dOptions, 'xPadded' | 'xNearW' | 'yLayout'> = {}): DspKernel {
  const { R, P, Q } = blk;
  const extra = epiPinned(epi).length;
  if (!fits(R, P, Q, t, extra)) {
    throw new BwvmError('DSPLIB_REGISTERS', `conv2d ${shapeText(sh)}: block R=${R} P=${P} Q=${Q} needs ${R * P * Q} accumulators + ${R * P + Q} operands per tap${extra ? ` + ${extra} epilogue registers` : ''}; ${t.name} has ${t.regsPerMacro} registers per macro`,
      { hint: 'use a smaller block (R*P*Q <= 44) or let the generator choose' });
  }
  const N = sh.N ?? 1;
  if (N > 1 && (lay.xPadded || lay.yLayout)) throw new BwvmError('DSPLIB_SHAPE', `conv2d ${shapeText(sh)}: xPadded / yLayout take one image (N = 1)`);
  const { C, H, W, M, kH, kW, OH, OW } = g;
  const kk = kH * kW, CK = C * kk;
  const Kp = CK % 2 === 0 ? CK + 1 : CK; // odd weight row pitch: the Q weight rows fall in different banks
  const pl = paddedLayout(g, R, P);
  const { OHs, OWs } = pl;
  let { Hpp, Wpp } = pl;
  const copyIn = pl.copyIn && !lay.xPadded, xPadded = pl.copyIn && !!lay.xPadded;
  if (!copyIn && !xPadded) { Hpp = H; Wpp = W; }
  // with a fused pool y (and its padded scratch ys) hold the pooled planes
  const pooled = epi.pool !== undefined;
  const [YH, YW, YHs, YWs] = pooled ? [Math.floor(OH / 2), Math.floor(OW / 2), OHs / 2, OWs / 2] : [OH, OW, OHs, OWs];
  const copyOut = YHs !== YH || YWs !== YW;
  const xW = C * H * W, yW = M * YH * YW;
  const yl = lay.yLayout;
  if (yl && (yl.row < YW || yl.plane < YH * yl.row)) throw new BwvmError('DSPLIB_SHAPE', `conv2d ${shapeText(sh)}: y layout row ${yl.row} / plane ${yl.plane} smaller than ${YH}x${YW}`);
  const yWords = yl ? Math.max(M * yl.plane, yl.offset + (M - 1) * yl.plane + (YH - 1) * yl.row + YW) : N * yW;
  const tensors = [
    ...(xPadded && !lay.xNearW ? [] : [{ name: 'x', words: xPadded ? C * Hpp * Wpp : N * xW }]), { name: 'w', words: M * Kp }, { name: 'b', words: M }, { name: 'y', words: yWords },
    ...(epi.addend ? [{ name: 'addend', words: N * yW }] : []),
    // a padded x sits where the scratch copy would (same blocks, so the same bank-aware schedule)
    ...(copyIn || (xPadded && !lay.xNearW) ? [{ name: xPadded ? 'x' : 'xs', words: C * Hpp * Wpp }] : []),
    ...(copyOut ? [{ name: 'ys', words: M * YHs * YWs }] : []),
    ...(copyOut && epi.addend ? [{ name: 'as', words: M * OHs * OWs }] : []),
    { name: 'kc', words: epiConstWords(epi) },
  ];
  const what = `conv2d ${shapeText(sh)}`;
  const placed = placeTensors(tensors, t, what);
  const at = (n: string): Placed => placed.find((p) => p.name === n)!;
  const X = copyIn ? at('xs') : at('x'), Y = copyOut ? at('ys') : at('y'), A = epi.addend ? (copyOut ? at('as') : at('addend')) : undefined;
  const consts = epiConstData(epi, 'kc');
  const code: string[] = [];
  const Gf = Math.floor(M / Q), rest = M % Q;
  const groups = [{ q: Q, count: Gf, m0: 0 }, ...(rest ? [{ q: rest, count: 1, m0: Gf * Q }] : [])].filter((gr) => gr.count > 0);
  for (let n = 0; n < N; n++) {
    if (copyIn) {
      code.push(...copyPlanes({ src: at('x'), srcOff: n * xW, srcRow: W, srcPlane: H * W, dst: X, dstOff: g.pad * Wpp + g.pad, dstRow: Wpp, dstPlane: Hpp * Wpp,
        planes: C, rows: H, cols: W }, t));
    }
    if (copyOut && A) {
      code.push(...copyPlanes({ src: at('addend'), srcOff: n * yW, srcRow: OW, srcPlane: OH * OW, dst: A, dstOff: 0, dstRow: OWs, dstPlane: OHs * OWs, planes: M, rows: OH, cols: OW }, t));
    }
    code.push(...consts.code);
    const xOff = copyIn || xPadded ? 0 : n * xW, yOff = copyOut ? 0 : yl ? yl.offset : n * yW;
    const direct = yl && !copyOut ? { yRow: yl.row, yPlane: yl.plane } : {};
    for (const gr of groups) {
      code.push(...groupCode(g, gr, { R, P, OHs, OWs, Hpp, Wpp, Kp, reuse, ...direct }, { X, xOff, W: at('w'), B: at('b'), bOff: 0, Y, yOff, A, aOff: copyOut ? 0 : n * yW }, epi, t, what));
    }
    if (copyOut) {
      code.push(...copyPlanes({ src: Y, srcOff: 0, srcRow: YWs, srcPlane: YHs * YWs, dst: at('y'), dstOff: yl ? yl.offset : n * yW, dstRow: yl ? yl.row : YW, dstPlane: yl ? yl.plane : YH * YW,
        planes: M, rows: YH, cols: YW }, t));
    }
  }
  const staticN = staticLines(code);
  const asm = [`// ${what}${epiText(epi)} on ${t.name}: block R=${R} P=${P} Q=${Q}`, ...dataSection(placed.filter((p) => p.name !== 'kc')), `.org ${at('kc').addr}`, consts.data, '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const yT: KernelTensor = { symbol: 'y', shape: [N, M, YH, YW], layout: 'NCHW' };
  return {
    name: 'conv2d', dtype, asm, flops: N * 2 * M * CK * OH * OW + (pooled ? N * M * YH * YW * 4 : 0),
    description: `conv2d ${shapeText(sh)}${epiText(epi)} (fp32, NCHW/OIHW, bias)`,
    inputs: [{ symbol: 'x', shape: [N, C, H, W], layout: 'NCHW' }, { symbol: 'w', shape: [M, C, kH, kW], layout: 'OIHW', rowPitch: Kp }, { symbol: 'b', shape: [M], layout: 'M' },
      ...(epi.addend ? [{ ...yT, symbol: 'addend' }] : [])],
    outputs: [yT],
    params: { N, R, P, Q, OHs, OWs, Hpp, Wpp, Kp, copyIn: copyIn ? 1 : 0, copyOut: copyOut ? 1 : 0, staticLines: staticN,
      ...(xPadded ? { xPadded: 1 } : {}), ...(yl ? { yRow: yl.row, yPlane: yl.plane, yOffset: yl.offset } : {}), ...(pooled ? { pool: epi.pool === 'max' ? 1 : 2 } : {}) },
  };
}
