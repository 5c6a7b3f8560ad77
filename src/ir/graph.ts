// Graph construction and traversal: create, deep clone, producer/consumer maps, topological
// order (with cycle detection), value lookup, and small surgery helpers used by passes.
import type { Graph, Initializer, Node, Tensor, TensorInfo } from './types.js';
import { BwvmError } from '../util/errors.js';

export function createGraph(p: Partial<Graph> & { name?: string } = {}): Graph {
  return {
    name: p.name ?? 'graph',
    opset: p.opset ?? 13,
    inputs: p.inputs ?? [],
    outputs: p.outputs ?? [],
    initializers: p.initializers ?? new Map(),
    nodes: p.nodes ?? [],
    valueInfo: p.valueInfo ?? new Map(),
    meta: p.meta ?? {},
  };
}

const cloneInfo = (t: TensorInfo): TensorInfo => ({ ...t, shape: [...t.shape], ...(t.quant ? { quant: cloneQuant(t.quant) } : {}) });
const cloneQuant = (q: NonNullable<TensorInfo['quant']>) => ({ scale: [...q.scale], zeroPoint: [...q.zeroPoint], ...(q.axis !== undefined ? { axis: q.axis } : {}) });

export function cloneTensor<T extends Tensor>(t: T): T {
  return { ...t, shape: [...t.shape], data: t.data.slice(), ...(t.quant ? { quant: cloneQuant(t.quant) } : {}) };
}

function cloneAttrs(a: Node['attrs']): Node['attrs'] {
  const out: Node['attrs'] = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] = Array.isArray(v) ? ([...v] as number[] | string[]) : typeof v === 'object' ? cloneTensor(v) : v;
  }
  return out;
}

export const cloneNode = (n: Node): Node => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: cloneAttrs(n.attrs) });

/** Deep copy (weights copied too, so the clone can be pruned/quantized independently). */
export function cloneGraph(g: Graph): Graph {
  return {
    name: g.name,
    opset: g.opset,
    inputs: g.inputs.map(cloneInfo),
    outputs: g.outputs.map(cloneInfo),
    initializers: new Map([...g.initializers].map(([k, v]) => [k, cloneTensor(v)])),
    nodes: g.nodes.map(cloneNode),
    valueInfo: new Map([...g.valueInfo].map(([k, v]) => [k, cloneInfo(v)])),
    meta: { ...g.meta },
  };
}

/** value name -> producing node. */
export function producers(g: Graph): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) m.set(o, n);
  return m;
}

/** value name -> consuming nodes (in node order, a node listed once per value). */
export function consumers(g: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of g.nodes) {
    for (const i of new Set(n.inputs)) {
      if (!i) continue;
      const l = m.get(i);
      if (l) l.push(n); else m.set(i, [n]);
    }
  }
  return m;
}

/** Nodes in topological order (stable: keeps the given order where possible). Throws IR_CYCLE. */
export function topoSort(g: Graph): Node[] {
  const prod = producers(g);
  const state = new Map<Node, 1 | 2>();
  const out: Node[] = [];
  const visit = (n: Node, stack: Node[]): void => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) {
      const loop = stack.slice(stack.indexOf(n)).reverse(); // data-flow order
      const cyc = [...loop, loop[0]!].map((x) => x.name).join(' -> ');
      throw new BwvmError('IR_CYCLE', `graph '${g.name}' has a cycle: ${cyc}`, { hint: 'a node consumes (indirectly) its own output' });
    }
    state.set(n, 1);
    stack.push(n);
    for (const i of n.inputs) { const p = i ? prod.get(i) : undefined; if (p) visit(p, stack); }
    stack.pop();
    state.set(n, 2);
    out.push(n);
  };
  for (const n of g.nodes) visit(n, []);
  return out;
}

/** Sort g.nodes in place topologically; returns g. */
export function sortGraph(g: Graph): Graph {
  g.nodes = topoSort(g);
  return g;
}

/** Static info for any value: graph input, initializer, inferred intermediate, or output. */
export function valueInfoOf(g: Graph, name: string): TensorInfo | undefined {
  const init = g.initializers.get(name);
  if (init) return { name, dtype: init.dtype, shape: init.shape, ...(init.quant ? { quant: init.quant } : {}) };
  return g.inputs.find((t) => t.name === name) ?? g.valueInfo.get(name) ?? g.outputs.find((t) => t.name === name);
}

/** Replace (or add) an initializer; used by compression to swap pruned weights. */
export function setInitializer(g: Graph, t: Initializer): void {
  g.initializers.set(t.name, t);
}

/** Rewire every use of value `from` (node inputs and graph outputs) to `to`. */
export function replaceUses(g: Graph, from: string, to: string): void {
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  for (const o of g.outputs) if (o.name === from) o.name = to;
}

/** Remove nodes whose outputs are unused and initializers nobody reads. */
export function removeDead(g: Graph): void {
  const live = new Set(g.outputs.map((o) => o.name));
  const keep: Node[] = [];
  for (const n of [...topoSort(g)].reverse()) {
    if (n.outputs.some((o) => live.has(o))) { keep.push(n); for (const i of n.inputs) if (i) live.add(i); }
  }
  g.nodes = keep.reverse();
  for (const k of [...g.initializers.keys()]) if (!live.has(k)) g.initializers.delete(k);
  for (const k of [...g.valueInfo.keys()]) if (!live.has(k)) g.valueInfo.delete(k);
}

/** A fresh value/node name not yet used in g, built from `base`. */
export function uniqueName(g: Graph, base: string): string {
  const used = new Set<string>([...g.initializers.keys(), ...g.inputs.map((i) => i.name), ...g.nodes.flatMap((n) => [n.name, ...n.outputs])]);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}
