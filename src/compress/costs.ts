// What a (pruned) graph costs against the budgets: FLOPs and parameters per sample (op table),
// model bytes, and peak activation bytes (largest set of simultaneously live activations in
// topological order, per sample).
import type { Graph } from '../ir/types.js';
import { graphCost } from '../ir/cost.js';
import { topoSort } from '../ir/graph.js';
import { infoOf } from '../ir/infer.js';
import { dtypeBytes } from '../ir/dtype.js';

export interface ModelCosts {
  flops: number;
  params: number;
  modelBytes: number;
  peakActivationBytes: number;
}

function bytesOf(g: Graph, v: string): number {
  const t = infoOf(g, v);
  if (!t) return 0;
  return t.shape.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1) * dtypeBytes(t.dtype);
}

export function peakActivationBytes(g: Graph): number {
  const order = topoSort(g);
  const last = new Map<string, number>();
  order.forEach((n, i) => n.inputs.forEach((v) => { if (v && !g.initializers.has(v)) last.set(v, i); }));
  for (const o of g.outputs) last.set(o.name, order.length);
  let live = g.inputs.reduce((a, i) => a + bytesOf(g, i.name), 0), peak = live;
  order.forEach((n, i) => {
    for (const o of n.outputs) if (o) live += bytesOf(g, o);
    peak = Math.max(peak, live);
    for (const v of new Set(n.inputs)) if (v && last.get(v) === i) live -= bytesOf(g, v);
    for (const o of n.outputs) if (o && !last.has(o)) live -= bytesOf(g, o);
  });
  return peak;
}

export function modelCosts(g: Graph): ModelCosts {
  const c = graphCost(g);
  return { flops: c.flops, params: c.params, modelBytes: c.weightBytes, peakActivationBytes: peakActivationBytes(g) };
}
