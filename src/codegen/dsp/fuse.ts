// Generated mode's layer fusion: groups graph nodes into the layers that become one kernel each.
// Conv [-> Add(constant bias)] [-> BatchNormalization] [-> Add(other)] [-> Relu | LeakyRelu | Clip(0,6)] is one conv2d
// kernel (BN folded into weights and bias, add and activation in its epilogue), followed (without a
// residual add) by MaxPool / AveragePool 2x2 stride 2 computed in that epilogue (`poolPays`); Gemm -> Relu is one
// dense kernel. A node joins a group only when its input is the group's sole, non-output consumer.
// A depthwise Conv (group = C = M) [-> Add(constant bias)] [-> BatchNormalization] [-> activation] is one
// depthwise kernel (BN folded, the activation after the bias); it takes no residual addend or pool.
import type { Graph, Node } from '../../ir/index.js';

export interface LayerGroup {
  /** Layer (profiler region) name: the first node's name. */
  name: string;
  kind: 'conv' | 'dwconv' | 'dense' | 'node';
  nodes: Node[];
  /** Output value of the layer (last node's output). */
  output: string;
  /** conv: the folded BatchNormalization node, the residual Add and the value it adds, the activation. */
  bn?: Node;
  addend?: string;
  act?: { kind: 'relu' | 'relu6' | 'leaky'; alpha?: number };
  /** conv: a constant per-channel Add right after it (O2's unfused bias), folded into the bias. */
  biasAdd?: string;
  /** conv: a following 2x2 stride-2 MaxPool / AveragePool computed in the epilogue. */
  pool?: 'max' | 'avg';
}

const same = (v: unknown, want: number[], dflt: number[]): boolean => JSON.stringify(v ?? dflt) === JSON.stringify(want);

/** MaxPool / AveragePool with a 2x2 window, stride 2, no padding, floor mode -> the fused pool kind. */
export function pool2x2(n: Node): LayerGroup['pool'] {
  const kind = n.op === 'MaxPool' ? 'max' : n.op === 'AveragePool' ? 'avg' : undefined;
  if (!kind || n.outputs.filter((o) => o).length !== 1) return undefined;
  const a = n.attrs;
  const ok = same(a.kernel_shape, [2, 2], []) && same(a.strides, [2, 2], [1, 1]) && same(a.pads, [0, 0, 0, 0], [0, 0, 0, 0])
    && same(a.dilations, [1, 1], [1, 1]) && ((a.ceil_mode as number | undefined) ?? 0) === 0
    && ((a.auto_pad as string | undefined) ?? 'NOTSET') === 'NOTSET' && ((a.storage_order as number | undefined) ?? 0) === 0;
  return ok ? kind : undefined;
}

/** A shape that broadcasts as one value per channel of NCHW: [1,M,1,1] or [M,1,1]. */
function isChannelVector(s: readonly (number | string)[], M: number): boolean {
  const r = [...Array(Math.max(0, 4 - s.length)).fill(1), ...s];
  return r.length === 4 && r[0] === 1 && r[1] === M && r[2] === 1 && r[3] === 1;
}

/** Weights per output channel of a Conv node (C/group * kH * kW), from its weight shape. */
function perFilter(n: Node, g: Graph): number {
  const s = g.initializers.get(n.inputs[1]!)?.shape ?? [1];
  return s.slice(1).reduce((a, b) => a * b, 1);
}

/** ReLU-family node -> conv2d epilogue activation (undefined when the node is not one). */
function activationOf(n: Node, constant: (v: string) => Float32Array | undefined): LayerGroup['act'] {
  if (n.op === 'Relu') return { kind: 'relu' };
  if (n.op === 'LeakyRelu') return { kind: 'leaky', alpha: (n.attrs.alpha as number | undefined) ?? 0.01 };
  if (n.op === 'Clip') {
    const lo = n.inputs[1] ? constant(n.inputs[1])?.[0] : (n.attrs.min as number | undefined);
    const hi = n.inputs[2] ? constant(n.inputs[2])?.[0] : (n.attrs.max as number | undefined);
    if (lo === 0 && hi === 6) return { kind: 'relu6' };
  }
  return undefined;
}

/**
 * A fused pool computes output columns in groups of 8 (pairs of 4-lane accumulators) instead of 4:
 * when that pads a narrow conv output by more than 1/7 (e.g. 10 -> 16 columns), the extra
 * multiply-accumulates cost more than the separate pool pass saves, so the pool stays a kernel.
 */
export function poolPays(g: Graph, convOut: string): boolean {
  const ow = g.valueInfo.get(convOut)?.shape[3];
  if (typeof ow !== 'number') return true;
  const up = (a: number, b: number): number => Math.ceil(a / b) * b;
  return up(ow, 8) * 7 <= up(ow, 4) * 8;
}

/** Group the nodes of `g` (topological order) into layers, in an order that is still topological. */
export function fuseLayers(g: Graph, constant: (v: string) => Float32Array | undefined): LayerGroup[] {
  const consumers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const taken = new Set<Node>();
  /** The sole consumer of v, when v is private to the chain. */
  const soleUser = (v: string): Node | undefined => {
    const c = consumers.get(v);
    return c && c.length === 1 && !outputs.has(v) && !taken.has(c[0]!) ? c[0] : undefined;
  };
  const groups: LayerGroup[] = [];
  for (const n of g.nodes) {
    if (taken.has(n)) continue;
    const grp: LayerGroup = { name: n.name, kind: 'node', nodes: [n], output: n.outputs[0]! };
    if (n.op === 'Conv') {
      const dw = ((n.attrs.group as number | undefined) ?? 1) !== 1;
      grp.kind = dw ? 'dwconv' : 'conv';
      let next = soleUser(grp.output);
      const biasOf = (m: Node | undefined): string | undefined => (m?.op === 'Add' ? m.inputs.find((v) => v !== grp.output && constant(v)) : undefined);
      const bias = biasOf(next);
      if (next && bias && isChannelVector(g.initializers.get(bias)?.shape ?? [], (constant(n.inputs[1]!)?.length ?? 0) / perFilter(n, g))) { grp.biasAdd = bias; grp.nodes.push(next); grp.output = next.outputs[0]!; next = soleUser(grp.output); }
      if (next?.op === 'BatchNormalization' && next.inputs.slice(1).every((v) => constant(v))) { grp.bn = next; grp.nodes.push(next); grp.output = next.outputs[0]!; next = soleUser(grp.output); }
      if (next?.op === 'Add' && !dw) {
        const other = next.inputs[0] === grp.output ? next.inputs[1] : next.inputs[0];
        if (other && other !== grp.output && !constant(other) && next.inputs.includes(grp.output)) {
          grp.addend = other; grp.nodes.push(next); grp.output = next.outputs[0]!; next = soleUser(grp.output);
        }
      }
      const act = next ? activationOf(next, constant) : undefined;
      if (next && act) { grp.act = act; grp.nodes.push(next); grp.output = next.outputs[0]!; next = soleUser(grp.output); }
      const pool = next && !dw && !grp.addend && poolPays(g, grp.output) ? pool2x2(next) : undefined;
      if (next && pool) { grp.pool = pool; grp.nodes.push(next); grp.output = next.outputs[0]!; }
    } else if (n.op === 'Gemm') {
      grp.kind = 'dense';
      const next = soleUser(grp.output);
      if (next?.op === 'Relu') { grp.act = { kind: 'relu' }; grp.nodes.push(next); grp.output = next.outputs[0]!; }
    }
    for (const m of grp.nodes) taken.add(m);
    groups.push(grp);
  }
  // a fused group runs where its last node was (a residual addend may be computed after the conv)
  const at = new Map(g.nodes.map((n, i) => [n, i]));
  return groups.sort((a, b) => at.get(a.nodes.at(-1)!)! - at.get(b.nodes.at(-1)!)!);
}
