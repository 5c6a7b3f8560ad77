// Fusion groups as graph metadata. Fusing does not merge nodes (so the reference executor and
// the ONNX exporter keep working unchanged): it records, in graph.meta['opt.fusion'], groups
// {anchor, nodes, bias?, activation?, pool?} that a backend executes as one kernel: the anchor
// (Conv, Gemm, MatMul), an optional constant bias Add, its activation and optionally a pooling
// node, each the only reader of the previous one's output. Codegen reads them with readFusion.
import { consumers } from '../ir/graph.js';
import type { Graph } from '../ir/types.js';

export const FUSION_KEY = 'opt.fusion';

export interface FusionGroup {
  /** The compute node (Conv/Gemm/MatMul) the group is named after. */
  anchor: string;
  /** Node names of the group in execution order, the anchor first. */
  nodes: string[];
  /** Name of a constant bias Add between the anchor and the activation, when present. */
  bias?: string;
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

/**
 * Drop groups that later rewrites invalidated: a member node is gone, or a member no longer
 * reads its predecessor's output as its first input, or that output gained another reader.
 */
export function pruneFusion(g: Graph): void {
  if (g.meta[FUSION_KEY] === undefined) return;
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const cons = consumers(g);
  const outs = new Set(g.outputs.map((o) => o.name));
  const chained = (f: FusionGroup) => f.nodes.every((name, i) => {
    const n = byName.get(name);
    if (!n) return false;
    if (i === 0) return true;
    const prev = byName.get(f.nodes[i - 1]!)!.outputs[0]!;
    return n.inputs.includes(prev) && !outs.has(prev) && cons.get(prev)?.length === 1;
  });
  writeFusion(g, readFusion(g).filter(chained));
}
