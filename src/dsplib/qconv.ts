// Fixed-point conv2d generator (int8 / int16), bit-exact with bwDNN's integer Conv (src/bwdnn/quant
// kernels-mac.ts qconv): a MAC pass (qconv-core.ts: mac8 / mac16 into accumulator pairs, 4 or 2
// input channels per word, output columns across the 4 macros) into an accumulator buffer, then a
// requantization pass (qconv-requant.ts) and, when the block grid overhangs, a crop copy to y.
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { copyPlanes } from './copy.js';
import { dataSection, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { inputLoads, macConsts, type QBlock, macCode, qaccPlane, type QGeo, qfits, wordLines } from './qconv-core.js';
import { QCONV_ROWS, qconvLanes, qconvTablePitch } from './qconv-pack.js';
import { requantCode, requantConsts } from './qconv-requant.js';

export interface QConvShape { C: number; H: number; W: number; M: number; kH: number; kW: number; stride: number; pad: number; bits: 8 | 16 }
/** block: force the register blocking; zeroInit (int8): force where the bias goes (see build). */
export interface QConvOptions { block?: QBlock; zeroInit?: boolean }

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;

function geometry(sh: QConvShape): QGeo & { OHs?: number } {
  for (const k of ['C', 'H', 'W', 'M', 'kH', 'kW', 'stride'] as const) {
    if (!Number.isInteger(sh[k]) || sh[k] < 1) throw new BwvmError('DSPLIB_SHAPE', `qconv: ${k} must be a positive integer (got ${sh[k]})`);
  }
  if (!Number.isInteger(sh.pad) || sh.pad < 0) throw new BwvmError('DSPLIB_SHAPE', `qconv: pad must be >= 0 (got ${sh.pad})`);
  if (sh.stride > 2) throw new BwvmError('DSPLIB_SHAPE', `qconv: stride ${sh.stride} not supported (1 or 2)`, { hint: 'use stride 1 or 2' });
  if (sh.bits !== 8 && sh.bits !== 16) throw new BwvmError('DSPLIB_UNSUPPORTED', `qconv: ${sh.bits}-bit inputs are not supported (8 or 16)`, { hint: 'quantize the layer to int8 or int16' });
  const OH = Math.floor((sh.H + 2 * sh.pad - sh.kH) / sh.stride) + 1, OW = Math.floor((sh.W + 2 * sh.pad - sh.kW) / sh.stride) + 1;
  if (OH < 1 || OW < 1) throw new BwvmError('DSPLIB_SHAPE', `qconv: kernel ${sh.kH}x${sh.kW} larger than the padded input ${sh.H + 2 * sh.pad}x${sh.W + 2 * sh.pad}`);
  return { Cw: Math.ceil(sh.C / qconvLanes(sh.bits)), kH: sh.kH, kW: sh.kW, s: sh.stride, OH, OW, bits: sh.bits };
}

export const qconvShapeText = (sh: QConvShape): string => `C=${sh.C} ${sh.H}x${sh.W} -> M=${sh.M}, ${sh.kH}x${sh.kW} stride ${sh.stride} pad ${sh.pad} int${sh.bits}`;

/** Lines per channel word with whole MAC lines per tap and at most two input loads per line. */
const tapLines = (g: QGeo, R: number, P: number, Q: number): number =>
  Math.max(g.kH * g.kW * Math.ceil((R * P * Q) / 8), (inputLoads(R, P, g.kH, g.kW, g.s) / 2) * 1.15, wordLines(g, R, P, Q));

/** Generate the fixed-point conv kernel for one exact shape (inputs packed by qconvPack with the kernel's params). */
export function qconv(sh: QConvShape, t: TargetDesc, opts: QConvOptions = {}): DspKernel {
  const g = geometry(sh);
  if (opts.block) {
    const { R, P, Q } = opts.block;
    const maxP = Math.min(4, roundUp(g.OW, 4) / 4);
    const bad = [['R', R, Math.min(8, g.OH)], ['P', P, maxP], ['Q', Q, Math.min(16, sh.M)]].find(([, v, hi]) => !Number.isInteger(v) || (v as number) < 1 || (v as number) > (hi as number));
    if (bad) {
      throw new BwvmError('DSPLIB_BLOCK', `qconv: block R=${R} P=${P} Q=${Q} has ${bad[0]}=${bad[1]} outside 1..${bad[2]} for ${qconvShapeText(sh)}`,
        { hint: `use R in 1..${Math.min(8, g.OH)}, P in 1..${maxP}, Q in 1..${Math.min(16, sh.M)} with 2*R*P*Q + operands <= ${t.regsPerMacro} registers, or let the generator choose` });
    }
    if (!qfits(R, P, Q, t)) throw new BwvmError('DSPLIB_REGISTERS', `qconv: block R=${R} P=${P} Q=${Q} needs ${2 * R * P * Q} accumulator registers + operands; ${t.name} has ${t.regsPerMacro}`, { hint: 'use a smaller block (R*P*Q <= 22) or let the generator choose' });
    return build(sh, g, opts.block, t, opts.zeroInit);
  }
  // two estimates: lines per channel word from MAC and port counts, and the same with whole MAC
  // lines per tap (the list scheduler packs a tap's MACs into whole lines) and input loads at two
  // per line (4-word loads of one memory block: 8 banks); the best few of each are built
  const all: Array<{ b: QBlock; c: number; c2: number }> = [];
  for (let P = 1; P <= 4; P++) {
    if (4 * P > roundUp(g.OW, 4)) continue;
    for (let R = 1; R <= Math.min(8, g.OH); R++) for (let Q = 1; Q <= Math.min(16, sh.M); Q++) {
      if (!qfits(R, P, Q, t)) continue;
      const blocks = (roundUp(g.OH, R) / R) * (roundUp(g.OW, 4 * P) / (4 * P)), full = Math.floor(sh.M / Q), rest = sh.M % Q;
      const per = (q: number): number => g.Cw * wordLines(g, R, P, q) + R * P * q / 4 + 14;
      const per2 = (q: number): number => g.Cw * tapLines(g, R, P, q) + R * P * q / 4 + 14;
      all.push({ b: { R, P, Q }, c: blocks * (full * per(Q) + (rest ? per(rest) : 0)), c2: blocks * (full * per2(Q) + (rest ? per2(rest) : 0)) });
    }
  }
  const byC = [...all].sort((a, b) => a.c - b.c).slice(0, 5), byC2 = [...all].sort((a, b) => a.c2 - b.c2).slice(0, 3);
  const cands = [...byC, ...byC2.filter((x) => !byC.includes(x))];
  let best: DspKernel | undefined, err: unknown;
  for (const { b } of cands) {
    try {
      const k = build(sh, g, b, t, opts.zeroInit);
      if (!best || k.params.staticLines! < best.params.staticLines!) best = k;
    } catch (e) { err = e; }
  }
  if (!best) throw err ?? new BwvmError('DSPLIB_REGISTERS', 'qconv: no register blocking fits', { hint: 'use a smaller kernel window' });
  return best;
}

/** int8 builds both bias placements (per-block bias loads, or zero-initialized accumulators with the bias in the requantization) and keeps the shorter. */
function build(sh: QConvShape, g: QGeo, blk: QBlock, t: TargetDesc, zeroInit?: boolean): DspKernel {
  if (sh.bits === 16) return buildWith(sh, g, blk, t, false);
  if (zeroInit !== undefined) return buildWith(sh, g, blk, t, zeroInit);
  const a = buildWith(sh, g, blk, t, true), b = buildWith(sh, g, blk, t, false);
  return b.params.staticLines! < a.params.staticLines! ? b : a;
}

/** Lines zeroing the high words r1, r3, ... of the first n accumulator pairs (ALU-count per line). */
function zeroHighWords(n: number, t: TargetDesc): string[] {
  const per = Math.max(1, t.units.ALU), out: string[] = [];
  for (let i = 0; i < n; i += per) out.push(Array.from({ length: Math.min(per, n - i) }, (_, j) => `xyzt r${2 * (i + j) + 1} = 0`).join(' || '));
  return out;
}

function buildWith(sh: QConvShape, g: QGeo, blk: QBlock, t: TargetDesc, zeroInit: boolean): DspKernel {
  const { R, P, Q } = blk, { M, kH, kW } = sh, s = g.s, kk = kH * kW;
  const OHs = roundUp(g.OH, R), OWs = roundUp(g.OW, 4 * P);
  const Hpp = Math.max(sh.H + 2 * sh.pad, (OHs - 1) * s + kH);
  let Wpp = Math.max(sh.W + 2 * sh.pad, (OWs - 1) * s + kW);
  if (R > 1 && s === 1 && Wpp % 8 !== 4) Wpp += (12 - (Wpp % 8)) % 8; // rows 4 banks apart
  const Kp = (g.Cw * kk) % 2 === 0 ? g.Cw * kk + 1 : g.Cw * kk, Mp = qconvTablePitch(M);
  const crop = OHs !== g.OH || OWs !== g.OW, w16 = sh.bits === 16;
  const what = `qconv ${qconvShapeText(sh)}`;
  const placed = placeTensors([
    { name: 'x', words: g.Cw * Hpp * Wpp }, { name: 'w', words: M * Kp }, { name: 'q', words: QCONV_ROWS * Mp },
    { name: 'acc', words: M * qaccPlane(OHs, OWs, sh.bits) }, ...(crop ? [{ name: 'ys', words: M * OHs * OWs }] : []), { name: 'y', words: M * g.OH * g.OW },
  ], t, what);
  const at = (n: string): Placed => placed.find((p) => p.name === n)!;
  const L = { OHs, OWs, Hpp, Wpp, Kp, Mp, reuse: true, zeroInit };
  // per channel group: inputs shared by several rows stay in registers unless the pool overflows;
  // the body in one piece if it fits a loop, else split into channel-word segments
  const groupCode = (gr: { q: number; count: number; m0: number }): string[] => {
    let lastErr: unknown;
    for (const reuse of [true, false]) for (let split = 0; split < 5; split++) {
      try { return macCode(g, blk, gr, { ...L, reuse }, { X: at('x'), W: at('w'), T: at('q'), A: at('acc') }, t, what, split); } catch (e) {
        lastErr = e;
        const c = (e as BwvmError).code;
        if (c === 'DSPLIB_SCHEDULE') break;
        if (c !== 'DSPLIB_CODE_SIZE') throw e;
      }
    }
    throw lastErr;
  };
  const Gf = Math.floor(M / Q), rest = M % Q;
  // zero start: each block resets only the accumulators' low words, so the high words are zeroed once
  // here (they then hold just the blocks' carries, far inside the pair's exact range); a caller's
  // leftover register values must not reach the 64-bit sums
  const code: string[] = zeroInit ? [...macConsts(sh.bits), ...zeroHighWords(R * P * Q, t)] : [];
  for (const gr of [{ q: Q, count: Gf, m0: 0 }, { q: rest, count: 1, m0: Gf * Q }]) if (gr.q > 0 && gr.count > 0) code.push(...groupCode(gr));
  const Y = crop ? at('ys') : at('y');
  code.push(...requantConsts(), ...requantCode({ bits: sh.bits, addBias: zeroInit, M, plane: OHs * OWs, accPlane: qaccPlane(OHs, OWs, sh.bits), acc: at('acc'), y: Y, q: at('q'), Mp }, t));
  if (crop) code.push(...copyPlanes({ src: Y, srcOff: 0, srcRow: OWs, srcPlane: OHs * OWs, dst: at('y'), dstOff: 0, dstRow: g.OW, dstPlane: g.OH * g.OW, planes: M, rows: g.OH, cols: g.OW }, t));
  const staticN = staticLines(code);
  const asm = [`// ${what} on ${t.name}: block R=${R} P=${P} Q=${Q}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const lanes = qconvLanes(sh.bits);
  return {
    name: 'qconv', dtype: w16 ? 'i16' : 'i8', asm, flops: 2 * M * sh.C * kk * g.OH * g.OW,
    description: `qconv ${qconvShapeText(sh)}: int${sh.bits} x int${sh.bits} -> 64-bit accumulators + bias, per-channel requantization (fixed point)`,
    inputs: [
      { symbol: 'x', shape: [g.Cw, Hpp, Wpp], layout: `packed ${lanes} int${sh.bits} channels per word, border padded with the input zero point (qconvPack)` },
      { symbol: 'w', shape: [M, g.Cw * kk], layout: `M x (channel words, kH, kW), ${lanes} lanes per word (qconvPack)`, rowPitch: Kp },
      { symbol: 'q', shape: [QCONV_ROWS, Mp], layout: 'per-channel rows: multiplier limbs, rounding, shift, zero point, folded bias (qconvPack)' },
    ],
    outputs: [{ symbol: 'y', shape: [M, g.OH, g.OW], layout: `CHW, one int32 word per value (int${sh.bits} range)` }],
    params: { R, P, Q, OHs, OWs, Hpp, Wpp, Kp, Mp, zeroInit: zeroInit ? 1 : 0, staticLines: staticN },
  };
}
