// Graphviz DOT text for a graph: one box per node colored by fuse class, graph inputs/outputs as
// ellipses, edges labelled with shapes; weights are folded into node labels. Rendering is elsewhere.
import type { Graph } from './types.js';
import { getOp } from './ops/index.js';
import type { FuseClass } from './ops/schema.js';
import { infoOf } from './infer.js';
import { producers } from './graph.js';
import { shapeStr } from './shape.js';

export const FUSE_COLORS: Record<FuseClass, string> = {
  conv: '#8ecae6', matmul: '#90be6d', norm: '#f9c74f', elementwise: '#f8961e', activation: '#f94144',
  pool: '#b5a3e0', reshape: '#d9d9d9', opaque: '#ffffff',
};

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export interface DotOptions { rankdir?: 'TB' | 'LR' }

export function toDot(g: Graph, opts: DotOptions = {}): string {
  const out = [`digraph ${q(g.name)} {`, `  rankdir=${opts.rankdir ?? 'TB'};`, '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const i of g.inputs) out.push(`  ${q(`in:${i.name}`)} [label=${q(`${i.name}\n${shapeStr(i.shape)}`)}, shape=ellipse];`);
  for (const o of g.outputs) out.push(`  ${q(`out:${o.name}`)} [label=${q(`${o.name}\n${shapeStr(o.shape)}`)}, shape=ellipse];`);
  for (const n of g.nodes) {
    const fuse = getOp(n.op)?.fuse ?? 'opaque';
    const weights = n.inputs.filter((i) => i && g.initializers.has(i)).map((i) => shapeStr(g.initializers.get(i)!.shape));
    const label = `${n.op}\n${n.name}${weights.length ? `\nW ${weights.join(' ')}` : ''}`;
    out.push(`  ${q(`n:${n.name}`)} [label=${q(label)}, shape=box, style="rounded,filled", fillcolor=${q(FUSE_COLORS[fuse])}, tooltip=${q(fuse)}];`);
  }
  const prod = producers(g);
  const isInput = new Set(g.inputs.map((i) => i.name));
  const edge = (from: string, to: string, value: string) => {
    const t = infoOf(g, value);
    out.push(`  ${q(from)} -> ${q(to)} [label=${q(t ? shapeStr(t.shape) : '')}];`);
  };
  for (const n of g.nodes) for (const i of n.inputs) {
    if (!i || g.initializers.has(i)) continue;
    const p = prod.get(i);
    if (p) edge(`n:${p.name}`, `n:${n.name}`, i); else if (isInput.has(i)) edge(`in:${i}`, `n:${n.name}`, i);
  }
  for (const o of g.outputs) {
    const p = prod.get(o.name);
    if (p) edge(`n:${p.name}`, `out:${o.name}`, o.name); else if (isInput.has(o.name)) edge(`in:${o.name}`, `out:${o.name}`, o.name);
  }
  out.push('}');
  return out.join('\n');
}
