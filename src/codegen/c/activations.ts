// Pointwise activations as C statements on one float variable: the single source both for
// standalone activation nodes and for activations fused into a Conv/Gemm epilogue.
import type { OpContext } from '../../ir/ops/index.js';
import { flit } from './types.js';

type ActStmt = (v: string, op: OpContext) => string;

function clipBounds(op: OpContext): [number, number] {
  const c1 = op.constNumbers(1), c2 = op.constNumbers(2);
  const lo = c1?.[0] ?? (op.has('min') ? op.attr<number>('min') : -Infinity);
  const hi = c2?.[0] ?? (op.has('max') ? op.attr<number>('max') : Infinity);
  return [lo, hi];
}

export const ACTIVATIONS: ReadonlyMap<string, ActStmt> = new Map<string, ActStmt>([
  ['Relu', (v) => `${v} = ${v} > 0.0f ? ${v} : 0.0f;`],
  ['LeakyRelu', (v, op) => `${v} = ${v} >= 0.0f ? ${v} : ${flit(op.attr<number>('alpha'))} * ${v};`],
  ['Sigmoid', (v) => `${v} = (float)(1.0 / (1.0 + exp(-(double)${v})));`],
  ['Tanh', (v) => `${v} = (float)tanh((double)${v});`],
  ['HardSigmoid', (v, op) => `${v} = fminf(1.0f, fmaxf(0.0f, ${flit(op.attr<number>('alpha'))} * ${v} + ${flit(op.attr<number>('beta'))}));`],
  ['HardSwish', (v) => `${v} = ${v} * fminf(1.0f, fmaxf(0.0f, ${v} / 6.0f + 0.5f));`],
  ['Elu', (v, op) => `${v} = ${v} >= 0.0f ? ${v} : (float)(${flit(op.attr<number>('alpha'))} * (exp((double)${v}) - 1.0));`],
  ['Clip', (v, op) => {
    const [lo, hi] = clipBounds(op);
    const s: string[] = [];
    if (lo > -Infinity) s.push(`${v} = ${v} < ${flit(lo)} ? ${flit(lo)} : ${v};`);
    if (hi < Infinity) s.push(`${v} = ${v} > ${flit(hi)} ? ${flit(hi)} : ${v};`);
    return s.join(' ');
  }],
]);

/** Is `op` an activation with a C statement? */
export const isActivation = (op: string): boolean => ACTIVATIONS.has(op);
