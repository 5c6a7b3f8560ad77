// Per-node and whole-graph cost model from the op table: FLOPs (multiply-add = 2), parameter
// counts, activation bytes (outputs); symbolic dims count as 1, so costs are per sample.
import type { Graph, Node } from './types.js';
import { requireOp } from './ops/index.js';
import { makeContext } from './context.js';
import { infoOf, inferShapes } from './infer.js';
import { dtypeBytes } from './dtype.js';
import { numel } from './shape.js';

export interface NodeCost {
  node: string;
  op: string;
  flops: number;
  params: number;
  /** Bytes of this node's outputs. */
  activationBytes: number;
}

/** Cost of one node (graph must have been through inferShapes). */
export function nodeCost(g: Graph, node: Node): NodeCost {
  const def = requireOp(node.op, node.name);
  const info = (n: string) => infoOf(g, n);
  const outs = node.outputs.filter((o) => o).map((o) => info(o)!).filter((t) => t);
  const ctx = makeContext(g, node, def, info, outs);
  const params = def.params
    ? def.params(ctx)
    : node.inputs.reduce((a, n) => { const t = n ? g.initializers.get(n) : undefined; return a + (t && t.dtype === 'float32' ? numel(t.shape) : 0); }, 0);
  return {
    node: node.name,
    op: node.op,
    flops: def.flops ? def.flops(ctx) : 0,
    params,
    activationBytes: def.activationBytes ? def.activationBytes(ctx) : outs.reduce((a, t) => a + numel(t.shape) * dtypeBytes(t.dtype), 0),
  };
}

export interface GraphCost { nodes: NodeCost[]; flops: number; params: number; activationBytes: number; weightBytes: number }

export function graphCost(g: Graph): GraphCost {
  if (g.nodes.some((n) => n.outputs.some((o) => o && !infoOf(g, o)))) inferShapes(g);
  const nodes = g.nodes.map((n) => nodeCost(g, n));
  let weightBytes = 0;
  for (const t of g.initializers.values()) weightBytes += t.data.byteLength;
  return {
    nodes,
    flops: nodes.reduce((a, c) => a + c.flops, 0),
    params: nodes.reduce((a, c) => a + c.params, 0),
    activationBytes: nodes.reduce((a, c) => a + c.activationBytes, 0),
    weightBytes,
  };
}
