// conv2d fused epilogue: what runs on each accumulator between the last multiply-accumulate and
// the store: + bias, + residual addend (optional), then the activation (relu, relu6, leaky).
// Constants (0, 6, alpha) and leaky's product temporaries live in pinned registers at the top.
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

export const ZERO_REG = 63, SIX_REG = 62, ALPHA_REG = 61;
const TEMPS = [57, 58, 59, 60];

export interface Epi { activation: ConvActivation; alpha: number; addend: boolean }

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
  if (e.activation === 'relu') return [ZERO_REG];
  if (e.activation === 'relu6') return [ZERO_REG, SIX_REG];
  if (e.activation === 'leaky') return [ALPHA_REG, ...TEMPS];
  return [];
}

/** Constant registers (read-only in the body: the scheduler does not order on them). */
export const epiConsts = (e: Epi): Set<number> => new Set(epiPinned(e).filter((r) => !TEMPS.includes(r)));

/** Data words holding the constants ([6, alpha]) and lines loading them into every macro. */
export function epiConstData(e: Epi, sym: string): { data: string; code: string[] } {
  const data = `${sym}: .float 6.0, ${e.alpha}`;
  if (e.activation === 'none') return { data, code: [] };
  return { data, code: [`w15 = ${sym}`, `xyzt r${ZERO_REG} = 0 || xyzt fr${SIX_REG} = [w15+=1,0]`, `xyzt fr${ALPHA_REG} = [w15+=0,0]`] };
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
  const parts = [e.addend ? ' + addend' : '', e.activation === 'none' ? '' : `, ${e.activation}${e.activation === 'leaky' ? ` alpha ${e.alpha}` : ''}`];
  return parts.join('');
}
