// Hard budgets for compression: FLOPs, parameters, model bytes, peak activation bytes, on-chip
// bytes (model + peak activations must fit the target's data memory) and DSP cycles (from a cost
// function the caller hands in, built from the compiler and simulator). Values in (0, 1) are
// fractions of the original model; larger values are absolute (k/M/G suffixes allowed).
import type { Graph } from '../ir/types.js';
import { BwvmError } from '../util/errors.js';
import type { ModelCosts } from './costs.js';

export type BudgetName = 'flops' | 'params' | 'bytes' | 'activation' | 'onchip' | 'cycles';
export const BUDGET_NAMES: readonly BudgetName[] = ['flops', 'params', 'bytes', 'activation', 'onchip', 'cycles'];

/** Estimated DSP cycles of a graph (from codegen + sim cost figures); injected by the caller. */
export type CycleCost = (g: Graph) => number;

export type BudgetLimits = Partial<Record<BudgetName, number>>;

export interface BudgetUse { budget: BudgetName; limit: number; value: number; original: number; ok: boolean }

export function parseAmount(text: string | number, what: string): number {
  if (typeof text === 'number') return text;
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([kKmMgG]?)i?[bB]?\s*$/.exec(text);
  if (!m) throw new BwvmError('BUDGET_VALUE', `${what}: '${text}' is not a number`, { hint: 'e.g. 0.5 (half of the original), 120k, 2M, 1.5G' });
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

/** A graph's value for one budget. */
export function budgetValue(name: BudgetName, c: ModelCosts, g: Graph, cycles?: CycleCost): number {
  switch (name) {
    case 'flops': return c.flops;
    case 'params': return c.params;
    case 'bytes': return c.modelBytes;
    case 'activation': return c.peakActivationBytes;
    case 'onchip': return c.modelBytes + c.peakActivationBytes;
    case 'cycles':
      if (!cycles) throw new BwvmError('BUDGET_CYCLES', 'a cycle budget needs a DSP cost function', { hint: 'pass --target so cycles can be estimated' });
      return cycles(g);
  }
}

/** Turn user amounts (fractions or absolutes) into absolute limits against the original model.
 * `of` overrides the value a fraction is taken of, per budget (e.g. the simulated cycles of the
 * original model instead of their estimate). */
export function resolveBudgets(input: Partial<Record<BudgetName, string | number>>, original: ModelCosts, g: Graph, cycles?: CycleCost,
  of: Partial<Record<BudgetName, number>> = {}): BudgetLimits {
  const out: BudgetLimits = {};
  for (const [k, v] of Object.entries(input) as [BudgetName, string | number][]) {
    if (v === undefined) continue;
    const amount = parseAmount(v, `--${k}`);
    if (!(amount > 0)) throw new BwvmError('BUDGET_VALUE', `--${k} must be positive, got ${v}`);
    out[k] = amount < 1 ? amount * (of[k] ?? budgetValue(k, original, g, cycles)) : amount;
  }
  if (!Object.keys(out).length) throw new BwvmError('BUDGET_NONE', 'no budget given', { hint: `give at least one of ${BUDGET_NAMES.map((b) => `--${b}`).join(', ')} (e.g. --flops 0.5)` });
  return out;
}

export function budgetUse(limits: BudgetLimits, c: ModelCosts, g: Graph, original: ModelCosts, origGraph: Graph, cycles?: CycleCost): BudgetUse[] {
  return (Object.entries(limits) as [BudgetName, number][]).map(([budget, limit]) => {
    const value = budgetValue(budget, c, g, cycles);
    return { budget, limit, value, original: budgetValue(budget, original, origGraph, cycles), ok: value <= limit * (1 + 1e-9) };
  });
}
