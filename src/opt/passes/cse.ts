// Pass: common-subexpression elimination. Two nodes with the same op, the same inputs and equal
// attributes compute the same values (ops here are pure); the later one's readers are rewired
// to the earlier one's outputs. Also merges identical small constant initializers first.
import { topoSort } from '../../ir/graph.js';
import type { AttrValue, Graph, Node } from '../../ir/types.js';
import type { Pass } from '../pass.js';

const attrKey = (a: Record<string, AttrValue>) =>
  JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]]), (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>, String) : v));

/** Rewire readers of `from` to `to` (graph outputs keep their names: skip those). */
function rewire(g: Graph, from: string, to: string): void {
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  g.valueInfo.delete(from);
}

/** Identical constants up to `maxElems` elements share one name. */
function mergeConstants(g: Graph, maxElems = 4096): number {
  const seen = new Map<string, string>();
  const outs = new Set(g.outputs.map((o) => o.name));
  let merged = 0;
  for (const [name, t] of g.initializers) {
    if (t.data.length > maxElems || outs.has(name)) continue;
    const key = `${t.dtype}|${t.shape.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>, String).join(',')}`;
    const first = seen.get(key);
    if (first === undefined) { seen.set(key, name); continue; }
    if (!g.nodes.some((n) => n.inputs.includes(name))) continue;
    rewire(g, name, first);
    merged++;
  }
  return merged;
}

export const csePass: Pass = {
  name: 'cse',
  description: 'merge identical constants and nodes with the same op, inputs and attributes',
  run(g, ctx) {
    const consts = mergeConstants(g);
    const outs = new Set(g.outputs.map((o) => o.name));
    const seen = new Map<string, Node>();
    const dead = new Set<Node>();
    for (const n of topoSort(g)) {
      if (n.outputs.some((o) => outs.has(o))) continue;
      const key = `${n.op}|${n.inputs.join(',')}|${n.outputs.length}|${attrKey(n.attrs)}`;
      const first = seen.get(key);
      if (!first) { seen.set(key, n); continue; }
      n.outputs.forEach((o, i) => { if (o && first.outputs[i]) rewire(g, o, first.outputs[i]!); });
      dead.add(n);
    }
    g.nodes = g.nodes.filter((n) => !dead.has(n));
    if (consts || dead.size) ctx.notes.push(`merged ${dead.size} node(s), ${consts} constant(s)`);
    return consts > 0 || dead.size > 0;
  },
};
