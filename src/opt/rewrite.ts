// Small graph-surgery helpers shared by passes: single-use checks, removing a pass-through
// node, absorbing a node into its producer (the producer takes over its output name, so graph
// output names never change), and reading constant float inputs.
import type { Graph, Node, Tensor } from '../ir/types.js';
import { consumers, producers, uniqueName } from '../ir/graph.js';

/** The value is read by exactly one node and is not a graph output. */
export function singleUse(g: Graph, value: string, cons = consumers(g)): boolean {
  return (cons.get(value)?.length ?? 0) === 1 && !g.outputs.some((o) => o.name === value);
}

const isGraphOutput = (g: Graph, v: string) => g.outputs.some((o) => o.name === v);

/**
 * Remove `node`, a pass-through from `from` to its output `to`. When `to` is a graph output the
 * producer of `from` is renamed to produce `to` instead. Returns false when impossible (e.g. the
 * graph output would become a graph input or initializer).
 */
export function bypass(g: Graph, node: Node, from: string, to: string): boolean {
  if (isGraphOutput(g, to)) {
    const p = producers(g).get(from);
    if (!p || isGraphOutput(g, from)) return false;
    p.outputs = p.outputs.map((o) => (o === from ? to : o));
    for (const n of g.nodes) if (n !== node) n.inputs = n.inputs.map((i) => (i === from ? to : i));
    g.valueInfo.delete(from);
  } else {
    for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === to ? from : i));
    g.valueInfo.delete(to);
  }
  g.nodes = g.nodes.filter((n) => n !== node);
  return true;
}

/** `node` reads only `producer`'s single-use output: the producer now writes node's output. */
export function absorbInto(g: Graph, producer: Node, node: Node): void {
  g.valueInfo.delete(producer.outputs[0]!);
  producer.outputs[0] = node.outputs[0]!;
  g.nodes = g.nodes.filter((n) => n !== node);
}

/** Float32 data of a constant (initializer) input, or undefined. */
export function constFloats(g: Graph, name: string | undefined): Float32Array | undefined {
  if (!name) return undefined;
  const t = g.initializers.get(name);
  return t && t.dtype === 'float32' ? (t.data as Float32Array) : undefined;
}

/** Add a new float32 initializer named after `base`; returns its name. */
export function addFloatInit(g: Graph, base: string, shape: number[], data: Float32Array): string {
  const name = uniqueName(g, base);
  const t: Tensor = { dtype: 'float32', shape, data };
  g.initializers.set(name, { name, ...t });
  return name;
}
