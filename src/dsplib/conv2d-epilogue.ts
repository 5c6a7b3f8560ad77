// conv2d fused epilogue: what runs on each accumulator between the last multiply-accumulate and
// the store: + bias, + residual addend (optional), then the activation (relu, relu6, leaky), then
// optionally a 2x2 stride-2 max / average pool over four accumulators (conv2d only: the pre-pool
// tensor is never stored). Constants (0, 6, alpha, 1/4) and leaky's temporaries live in pinned registers.
import { BwvmError } from '../util/errors.js';
import type { Op, Reg } from './schedule.js';

export type ConvActivation = 'none' | 'relu' | 'relu6' | 'leaky';

export interface EpilogueOptions {
  /** Applied after bias (and addend), before the store. Default 'none'. */
  activation?: ConvActivation;
  /** LeakyRelu slope for x < 0 (activation 'leaky'); default 0.01. */
  alpha?: number;
  /** Fuse a residual add: y = act(conv(x) + b + addend), addend NCHW like y (input symbol `addend`). */
  addend?: boolean;
}

export const ZERO_REG = 63, SIX_REG = 62, ALPHA_REG = 61, QUARTER_REG = 56;
const TEMPS = [57, 58, 59, 60];

/** 2x2 stride-2 pooling fused after the activation (no padding, floor mode). */
export type ConvPool = 'max' | 'avg';

export interface Epi { activation: ConvActivation; alpha: number; addend: boolean; pool?: ConvPool }

/** The epilogue with a fused 2x2/2 pool (conv2d's on-chip generator; not with a residual addend). */
export function withPool(e: Epi, pool: ConvPool | undefined): Epi {
  if (pool === undefined) return e;
  if (pool !== 'max' && pool !== 'avg') throw new BwvmError('DSPLIB_OPTION', `conv2d: pool '${String(pool)}' not supported`, { hint: "use 'max' or 'avg' (2x2 window, stride 2)" });
  if (e.addend) throw new BwvmError('DSPLIB_OPTION', 'conv2d: a fused pool cannot follow a residual addend', { hint: 'run the pool as its own kernel' });
  return { ...e, pool };
}

/** Max pooling commutes with bias and a non-decreasing activation: pool the raw sums first. */
export const poolFirst = (e: Epi): boolean =>
  e.pool === 'max' ? e.activation !== 'leaky' || e.alpha >= 0 : e.pool === 'avg' && e.activation === 'none';

export function epilogueOf(o: EpilogueOptions): Epi {
  const activation = o.activation ?? 'none', alpha = o.alpha ?? 0.01;
  if (!['none', 'relu', 'relu6', 'leaky'].includes(activation)) {
    throw new BwvmError('DSPLIB_OPTION', `conv2d: activation '${activation}' not supported`, { hint: "use 'none', 'relu', 'relu6' or 'leaky'" });
  }
  if (!Number.isFinite(alpha)) throw new BwvmError('DSPLIB_OPTION', `conv2d: leaky alpha must be finite (got ${alpha})`);
  return { activation, alpha, addend: o.addend ?? false };
}

/** Registers the epilogue pins (not available to accumulators or the operand pool). */
export function epiPinned(e: Epi): number[] {
  const q = e.pool === 'avg' ? [QUARTER_REG] : [];
  if (e.activation === 'relu') return [ZERO_REG, ...q];
  if (e.activation === 'relu6') return [ZERO_REG, SIX_REG, ...q];
  if (e.activation === 'leaky') return [ALPHA_REG, ...TEMPS, ...q];
  return q;
}

/** Constant registers (read-only in the body: the scheduler does not order on them). */
export const epiConsts = (e: Epi): Set<number> => new Set(epiPinned(e).filter((r) => !TEMPS.includes(r)));

/** Data words holding the constants ([6, alpha]) and lines loading them into every macro. */
export function epiConstData(e: Epi, sym: string): { data: string; code: string[] } {
  const avg = e.pool === 'avg';
  const data = `${sym}: .float 6.0, ${e.alpha}${avg ? ', 0.25' : ''}`;
  const quarter = avg ? [`w15 = ${sym}+2`, `xyzt fr${QUARTER_REG} = [w15+=0,0]`] : [];
  if (e.activation === 'none') return { data, code: quarter };
  return { data, code: [`w15 = ${sym}`, `xyzt r${ZERO_REG} = 0 || xyzt fr${SIX_REG} = [w15+=1,0]`, `xyzt fr${ALPHA_REG} = [w15+=0,0]`, ...quarter] };
}

/** Words of the constants block `epiConstData` writes. */
export const epiConstWords = (e: Epi): number => (e.pool === 'avg' ? 3 : 2);

/**
 * Pool ops over four accumulators of one 2x2 window (d, its right neighbour, the two below),
 * leaving the result in d (the other three are overwritten).
 */
export function poolOps(e: Epi, d: number, o: [number, number, number], prio: number): Op[] {
  const form = e.pool === 'max' ? 'max2' : 'add2';
  const ops: Op[] = [
    { kind: 'fmac', op: form, acc: d, a: { p: d }, b: { p: o[0] }, prio },
    { kind: 'fmac', op: form, acc: o[1], a: { p: o[1] }, b: { p: o[2] }, prio },
    { kind: 'fmac', op: form, acc: d, a: { p: d }, b: { p: o[1] }, prio },
  ];
  if (e.pool === 'avg') ops.push({ kind: 'fmac', op: 'fmul', acc: d, a: { p: d }, b: { p: QUARTER_REG }, prio });
  return ops;
}

/**
 * Ops applied to accumulator `acc` after bias: the addend (already loaded into `addendReg`),
 * then the activation. `k` picks leaky's temporary (round robin), `prio` orders them.
 */
export function epiOps(e: Epi, acc: number, addendReg: Reg | undefined, k: number, prio: number): Op[] {
  const ops: Op[] = [];
  if (addendReg) ops.push({ kind: 'fmac', op: 'fadd', acc, a: addendReg, b: addendReg, prio });
  if (e.activation === 'relu' || e.activation === 'relu6') ops.push({ kind: 'fmac', op: 'max2', acc, a: { p: acc }, b: { p: ZERO_REG }, prio });
  if (e.activation === 'relu6') ops.push({ kind: 'fmac', op: 'min2', acc, a: { p: acc }, b: { p: SIX_REG }, prio });
  if (e.activation === 'leaky') {
    const tmp = TEMPS[k % TEMPS.length]!;
    // max(x, alpha*x) for alpha <= 1 (also alpha < 0), min(x, alpha*x) for alpha > 1
    ops.push({ kind: 'fmac', op: 'fmul', acc: tmp, a: { p: acc }, b: { p: ALPHA_REG }, prio });
    ops.push({ kind: 'fmac', op: e.alpha <= 1 ? 'max2' : 'min2', acc, a: { p: acc }, b: { p: tmp }, prio });
  }
  return ops;
}

/** Short text for descriptions: ' + addend, relu'. */
export function epiText(e: Epi): string {
  const parts = [e.addend ? ' + addend' : '', e.activation === 'none' ? '' : `, ${e.activation}${e.activation === 'leaky' ? ` alpha ${e.alpha}` : ''}`,
    e.pool ? `, ${e.pool}pool 2x2/2` : ''];
  return parts.join('');
}
