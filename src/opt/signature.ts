// A cheap structural fingerprint of a graph (nodes, wiring, attributes, initializer names and
// optionally value infos) so passes built on whole-graph helpers can report "changed".
import type { Graph } from '../ir/types.js';

export function graphSignature(g: Graph, withInfo = false): string {
  const attrs = (a: Record<string, unknown>) => JSON.stringify(a, (_k, v: unknown) => (ArrayBuffer.isView(v) ? `<${(v as unknown as { length: number }).length}>` : v));
  const parts = g.nodes.map((n) => `${n.name}:${n.op}(${n.inputs.join(',')})->${n.outputs.join(',')}${attrs(n.attrs)}`);
  parts.push(`init:${[...g.initializers.keys()].join(',')}`, `out:${g.outputs.map((o) => o.name).join(',')}`);
  if (withInfo) for (const [k, v] of g.valueInfo) parts.push(`${k}:${v.dtype}[${v.shape.join(',')}]`);
  parts.push(JSON.stringify(g.meta));
  return parts.join('\n');
}
