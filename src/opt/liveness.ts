// Activation lifetimes of a graph for the memory planner: one interval per value a node
// produces (plus graph inputs), live from its producer's step to its last reader's step in
// topological order; graph outputs live to the end. Sizes in bytes from the inferred shapes
// (symbolic dims count as 1). Initializers (weights) are not activations and are left out.
import { topoSort } from '../ir/graph.js';
import { dtypeBytes } from '../ir/dtype.js';
import { infoOf, inferShapes } from '../ir/infer.js';
import { numel } from '../ir/shape.js';
import type { Graph } from '../ir/types.js';

export interface LiveInterval { id: string; size: number; first: number; last: number; uses: number }

export function activationIntervals(g: Graph, o: { includeInputs?: boolean } = {}): LiveInterval[] {
  if (g.valueInfo.size === 0 && g.nodes.length) inferShapes(g);
  const order = topoSort(g);
  const end = Math.max(0, order.length - 1);
  const iv = new Map<string, LiveInterval>();
  const bytes = (v: string) => { const i = infoOf(g, v); return i ? numel(i.shape.map((d) => (typeof d === 'number' ? d : 1))) * dtypeBytes(i.dtype) : 0; };
  if (o.includeInputs !== false) for (const i of g.inputs) iv.set(i.name, { id: i.name, size: bytes(i.name), first: 0, last: 0, uses: 0 });
  order.forEach((n, t) => {
    for (const i of n.inputs) {
      const x = i ? iv.get(i) : undefined;
      if (x) { x.last = Math.max(x.last, t); x.uses++; }
    }
    for (const out of n.outputs) if (out) iv.set(out, { id: out, size: bytes(out), first: t, last: t, uses: 0 });
  });
  for (const out of g.outputs) { const x = iv.get(out.name); if (x) x.last = end; }
  return [...iv.values()];
}
