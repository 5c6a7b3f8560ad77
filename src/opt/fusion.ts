// Fusion groups as graph metadata. Fusing does not merge nodes (so the reference executor and
// the ONNX exporter keep working unchanged): it records, in graph.meta['opt.fusion'], groups
// {anchor, nodes, activation?, pool?} that a backend executes as one kernel: the anchor (Conv,
// Gemm, MatMul) followed by its activation and optionally a pooling node, each the only reader
// of the previous one's output. Codegen reads them back with readFusion(graph).
import type { Graph } from '../ir/types.js';

export const FUSION_KEY = 'opt.fusion';

export interface FusionGroup {
  /** The compute node (Conv/Gemm/MatMul) the group is named after. */
  anchor: string;
  /** Node names of the group in execution order, the anchor first. */
  nodes: string[];
  /** Op of the fused activation (Relu, Clip, LeakyRelu, HardSwish...), when present. */
  activation?: string;
  /** Op of the fused pooling node, when present. */
  pool?: string;
}

export function readFusion(g: Graph): FusionGroup[] {
  const s = g.meta[FUSION_KEY];
  return s ? (JSON.parse(s) as FusionGroup[]) : [];
}

export function writeFusion(g: Graph, groups: FusionGroup[]): void {
  if (groups.length) g.meta[FUSION_KEY] = JSON.stringify(groups);
  else delete g.meta[FUSION_KEY];
}

/** Drop groups naming nodes that no longer exist (after later rewrites). */
export function pruneFusion(g: Graph): void {
  const names = new Set(g.nodes.map((n) => n.name));
  const keep = readFusion(g).filter((f) => f.nodes.every((n) => names.has(n)));
  if (g.meta[FUSION_KEY] !== undefined) writeFusion(g, keep);
}
