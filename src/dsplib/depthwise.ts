// Depthwise conv fp32 generator (ONNX Conv with group = C, weights (C, 1, k, k), bias, stride 1/2,
// symmetric pad): per channel, blocks of R rows x 4P columns (macro j = column ox0+4p+j, input
// loads with lane stride s feed all four macros), k*k broadcast weights; tap-list nests of
// deconv-taps.ts with the input plane advancing with the output channel. Memory bound. An optional
// fused activation (relu, relu6, leaky) runs on each accumulator after the bias, before the store.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { type ConvActivation, epilogueOf, epiConstData, epiConstWords, epiText } from './conv2d-epilogue.js';
import { copyPlanes } from './copy.js';
import { dwPipeBlocks, dwPipeNest } from './depthwise-pipe.js';
import { chooseBlock, tapCandidates } from './deconv-search.js';
import { type Block, type Tap, type TapNest, tapNest } from './deconv-taps.js';
import { dataSection, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspDType, DspKernel } from './kernel.js';

export interface DepthwiseShape { N?: number; C: number; H: number; W: number; k?: number; stride: number; pad: number }
export interface DepthwiseOptions {
  dtype?: DspDType; block?: { R: number; P: number }; nIn?: number;
  /** Fused activation after the bias (default 'none'); alpha is LeakyRelu's slope. */
  activation?: ConvActivation; alpha?: number;
  /**
   * Also try the software-pipelined nest (depthwise-pipe.ts) and keep whichever issues fewer lines
   * (generated mode; library mode keeps the list-scheduled nest). 'only': the pipelined nest or an error.
   */
  pipeline?: boolean | 'only';
  /** x is already in the zero-bordered layout (C planes of Hpp x Wpp, image at row and column pad): read in place, no copy. */
  xPadded?: boolean;
}

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
const text = (sh: DepthwiseShape): string => `C=${sh.C} ${sh.H}x${sh.W}, ${sh.k ?? 3}x${sh.k ?? 3} stride ${sh.stride} pad ${sh.pad}`;

function geometry(sh: DepthwiseShape): { C: number; H: number; W: number; k: number; s: number; pad: number; OH: number; OW: number } {
  const { C, H, W, stride: s, pad } = sh, k = sh.k ?? 3;
  for (const [n, v] of Object.entries({ C, H, W, k, stride: s })) {
    if (!Number.isInteger(v) || v < 1) throw new BwvmError('DSPLIB_SHAPE', `depthwise: ${n} must be a positive integer (got ${v})`);
  }
  if (!Number.isInteger(pad) || pad < 0) throw new BwvmError('DSPLIB_SHAPE', `depthwise: pad must be >= 0 (got ${pad})`);
  if ((sh.N ?? 1) !== 1) throw new BwvmError('DSPLIB_SHAPE', `depthwise: N=${sh.N}: the kernel computes one image`, { hint: 'call the kernel once per image (N=1)' });
  if (s > 2) throw new BwvmError('DSPLIB_SHAPE', `depthwise ${text(sh)}: stride ${s} not supported`, { hint: 'use stride 1 or 2' });
  const OH = Math.floor((H + 2 * pad - k) / s) + 1, OW = Math.floor((W + 2 * pad - k) / s) + 1;
  if (OH < 1 || OW < 1) throw new BwvmError('DSPLIB_SHAPE', `depthwise ${text(sh)}: kernel larger than the padded input`);
  return { C, H, W, k, s, pad, OH, OW };
}

/** Useful FLOPs: 2 per multiply by a real input word (taps on padding not counted). */
export function depthwiseFlops(sh: DepthwiseShape): number {
  const { C, H, W, k, s, pad, OH, OW } = geometry(sh);
  const pairs = (n: number, O: number): number => {
    let c = 0;
    for (let o = 0; o < O; o++) for (let kk = 0; kk < k; kk++) { const i = o * s - pad + kk; if (i >= 0 && i < n) c++; }
    return c;
  };
  return 2 * C * pairs(H, OH) * pairs(W, OW);
}

/** Generate the depthwise conv kernel for one exact shape on target t. */
export function depthwise(sh: DepthwiseShape, t: TargetDesc, opts: DepthwiseOptions = {}): DspKernel {
  const dtype = opts.dtype ?? 'f32';
  if (dtype !== 'f32') throw new BwvmError('DSPLIB_DTYPE', `depthwise: dtype ${dtype} not implemented yet`, { hint: 'use f32' });
  const g = geometry(sh);
  const { C, H, W, k, s, pad, OH, OW } = g;
  const epi = epilogueOf({ ...(opts.activation ? { activation: opts.activation } : {}), ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}) });
  const fused = epi.activation !== 'none';
  const what = `depthwise ${text(sh)}${epiText(epi)}`;
  const taps: Tap[] = [];
  for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) taps.push({ dy, dx });
  /** The list-scheduled tap nest with `nest` input streams, or the software-pipelined nest
   * (undefined when none fits; its params record nIn 0). */
  const build = (blk: Block, nest: number | 'pipelined') => {
    const nIn = nest === 'pipelined' ? 0 : nest;
    const OHs = roundUp(OH, blk.R), OWs = roundUp(OW, 4 * blk.P);
    let Hpp = Math.max(H + 2 * pad, (OHs - 1) * s + k), Wpp = Math.max(W + 2 * pad, (OWs - 1) * s + k);
    const bordered = Hpp > H || Wpp > W;
    if (bordered) Wpp += s === 1 ? (12 - (Wpp % 8)) % 8 : 1 - (Wpp % 2); // quads of neighbouring rows in different banks
    else { Hpp = H; Wpp = W; }
    // a padded x sits where the scratch copy would (same blocks, so the same bank-aware schedule)
    const xPadded = bordered && !!opts.xPadded, copyIn = bordered && !xPadded;
    const copyOut = OHs !== OH || OWs !== OW;
    const placed = placeTensors([
      ...(xPadded ? [] : [{ name: 'x', words: C * H * W }]), { name: 'w', words: C * k * k }, { name: 'b', words: C }, { name: 'y', words: C * OH * OW },
      ...(bordered ? [{ name: xPadded ? 'x' : 'xs', words: C * Hpp * Wpp }] : []), ...(copyOut ? [{ name: 'ys', words: C * OHs * OWs }] : []),
      ...(fused ? [{ name: 'kc', words: epiConstWords(epi) }] : []),
    ], t, what);
    const at = (n: string): Placed => placed.find((x) => x.name === n)!;
    const n: TapNest = {
      C: 1, taps, s, Hpp, Wpp, X: copyIn ? at('xs') : at('x'), Wt: at('w'), B: at('b'), Y: copyOut ? at('ys') : at('y'),
      wRow: k * k, wOff: 0, out: { off: 0, row: OWs, lane: 1, plane: OHs * OWs }, OHs, OWs, depthwise: true, nIn, rowOrder: true, nOut: 2,
      ...(fused ? { epi } : {}),
    };
    const code: string[] = [];
    if (copyIn) {
      code.push(...copyPlanes({ src: at('x'), srcOff: 0, srcRow: W, srcPlane: H * W, dst: at('xs'), dstOff: pad * Wpp + pad, dstRow: Wpp,
        dstPlane: Hpp * Wpp, planes: C, rows: H, cols: W }, t));
    }
    if (fused) code.push(...epiConstData(epi, 'kc').code);
    const gr = { q: 1, count: C, m0: 0 };
    if (nest === 'pipelined') {
      const pipe = dwPipeNest({ C, k, s, Hpp, Wpp, OHs, OWs, X: n.X, Wt: n.Wt, B: n.B, Y: n.Y, epi }, blk.R, blk.P, t);
      if (!pipe) return undefined;
      code.push(...pipe);
    } else {
      try { code.push(...tapNest(n, blk, gr, t, true, what)); } catch (e) {
        if ((e as BwvmError).code !== 'DSPLIB_SCHEDULE') throw e;
        code.push(...tapNest(n, blk, gr, t, false, what));
      }
    }
    if (copyOut) {
      code.push(...copyPlanes({ src: at('ys'), srcOff: 0, srcRow: OWs, srcPlane: OHs * OWs, dst: at('y'), dstOff: 0, dstRow: OW, dstPlane: OH * OW,
        planes: C, rows: OH, cols: OW }, t));
    }
    return { code, placed, params: { R: blk.R, P: blk.P, nIn, Hpp, Wpp, copyIn: copyIn ? 1 : 0, copyOut: copyOut ? 1 : 0, staticLines: staticLines(code), ...(xPadded ? { xPadded: 1 } : {}) } };
  };
  type Built = NonNullable<ReturnType<typeof build>>;
  let best: Built | undefined;
  const keep = (r: Built | undefined): void => { if (r && (!best || r.params.staticLines < best.params.staticLines)) best = r; };
  if (opts.pipeline !== 'only') {
    for (const nIn of opts.nIn ? [opts.nIn] : [2, 3]) {
      const blk = opts.block ? { ...opts.block, Q: 1 } : chooseBlock(tapCandidates({ C: 1, M: C, OH, OW, taps, s, maxQ: 1 }, t), (b) => build(b, nIn)!.params.staticLines, C * OH * OW * k * k < 200_000);
      keep(build(blk, nIn));
    }
  }
  if (opts.pipeline) {
    const blocks = opts.block ? [opts.block] : dwPipeBlocks({ OH, OW, C, k, s }, t).slice(0, 3);
    for (const b of blocks) keep(build({ ...b, Q: 1 }, 'pipelined'));
    if (!best) throw new BwvmError('DSPLIB_SCHEDULE', `${what}: no software-pipelined schedule fits`, { hint: 'use pipeline: true (falls back to the list-scheduled nest)' });
  }
  const { code, placed, params } = best!;
  const kc = placed.find((p) => p.name === 'kc');
  const data = kc ? [...dataSection(placed.filter((p) => p !== kc)), `.org ${kc.addr}`, epiConstData(epi, 'kc').data] : dataSection(placed);
  const asm = [`// ${what} on ${t.name}: block R=${params.R} P=${params.P}, ${params.nIn ? `${params.nIn} input streams` : 'software pipelined'}`, ...data, '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'depthwise', dtype, asm, flops: depthwiseFlops(sh), description: `${what} (fp32, NCHW, weights (C,1,k,k), bias)`,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW' }, { symbol: 'w', shape: [C, 1, k, k], layout: 'C1HW' }, { symbol: 'b', shape: [C], layout: 'C' }],
    outputs: [{ symbol: 'y', shape: [1, C, OH, OW], layout: 'NCHW' }],
    params,
  };
}
