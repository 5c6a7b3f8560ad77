// Costs of a (pruned) graph whose Conv/Gemm layers carry bit widths: model bytes count each
// weight at bits / 8 bytes (other initializers as stored, e.g. float biases and BN), FLOPs and
// the default cycle model weight a layer's MACs by its precision (fp32 1, int16 1/2, int8 1/4:
// the BWDSP's SIMD lanes per 32-bit word); an injected JointCycleCost replaces the cycle model.
import type { Graph } from '../../ir/types.js';
import { graphCost } from '../../ir/cost.js';
import { BwvmError } from '../../util/errors.js';
import type { BudgetName } from '../budgets.js';
import { peakActivationBytes } from '../costs.js';
import type { LayerBits } from './bit-sensitivity.js';

/** Relative cost of one MAC at each precision (fp32 = 1). */
export const BIT_MAC_COST: Readonly<Record<LayerBits, number>> = { 32: 1, 16: 0.5, 8: 0.25 };

/** Cycles of a pruned graph at per-layer bits (missing layers are 32-bit). */
export type JointCycleCost = (g: Graph, bits: Readonly<Record<string, LayerBits>>) => number;

export interface JointCosts { flops: number; params: number; bytes: number; activation: number }

const isLayer = (op: string) => op === 'Conv' || op === 'Gemm';

export function jointCosts(g: Graph, bits: Readonly<Record<string, LayerBits>>): JointCosts {
  const c = graphCost(g);
  let flops = 0;
  g.nodes.forEach((n, i) => { flops += c.nodes[i]!.flops * (isLayer(n.op) ? BIT_MAC_COST[bits[n.name] ?? 32] : 1); });
  const weightBits = new Map<string, LayerBits>();
  for (const n of g.nodes) if (isLayer(n.op) && n.inputs[1]) weightBits.set(n.inputs[1], Math.max(weightBits.get(n.inputs[1]) ?? 8, bits[n.name] ?? 32) as LayerBits);
  let bytes = 0;
  for (const [name, t] of g.initializers) {
    const b = weightBits.get(name);
    bytes += b === undefined ? t.data.byteLength : (t.data.length * b) / 8;
  }
  return { flops, params: c.params, bytes, activation: peakActivationBytes(g) };
}

/** The default cycle model: precision-weighted MACs (fp32-MAC equivalents, i.e. FLOPs / 2). */
export const macCycles: JointCycleCost = (g, bits) => jointCosts(g, bits).flops / 2;

export function jointBudgetValue(name: BudgetName, c: JointCosts, g: Graph, bits: Readonly<Record<string, LayerBits>>, cycles: JointCycleCost = macCycles): number {
  switch (name) {
    case 'flops': return c.flops;
    case 'params': return c.params;
    case 'bytes': return c.bytes;
    case 'activation': return c.activation;
    case 'onchip': return c.bytes + c.activation;
    case 'cycles': return cycles(g, bits);
    default: throw new BwvmError('BUDGET_VALUE', `unknown budget '${String(name)}'`);
  }
}
