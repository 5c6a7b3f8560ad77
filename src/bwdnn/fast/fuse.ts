// Fusion groups of the compiled forward: a Conv absorbs a following BatchNormalization (folded
// into its weights), a residual Add and an activation; Gemm, MatMul, Add, Mul and a lone
// BatchNormalization absorb a following activation. An absorbed value must have one reader and
// not be an output. Groups run in the order of their last node (a valid topological order).
import type { Graph, Node } from '../../ir/types.js';
import { topoSort } from '../../ir/graph.js';
import { toNumbers } from '../../ir/dtype.js';
import type { ActivationSpec } from '../kernels/activation.js';

export interface FusedGroup {
  /** The node the kernel runs (Conv, Gemm, Add, ...). */
  node: Node;
  /** A BatchNormalization folded into the Conv's weights and bias. */
  bn?: Node;
  /** A value (same shape as the output) added before the activation: a residual Add. */
  residual?: string;
  /** An activation applied in the kernel's epilogue. */
  act?: ActivationSpec;
  /** Every node the group stands for, in order. */
  nodes: Node[];
  /** The value the group produces. */
  out: string;
}

const num = (g: Graph, name: string | undefined): number | undefined => {
  const t = name ? g.initializers.get(name) : undefined;
  return t && t.data.length === 1 ? toNumbers(t.data)[0] : undefined;
};

/** Activation table: op -> the kernels' activation spec (null: not one the epilogue can apply). */
export const ACTIVATION_OPS: Record<string, (n: Node, g: Graph) => ActivationSpec | null> = {
  Relu: () => 'relu',
  Sigmoid: () => 'sigmoid',
  Tanh: () => 'tanh',
  HardSwish: () => 'hardswish',
  LeakyRelu: (n) => ({ kind: 'leaky', alpha: (n.attrs.alpha as number | undefined) ?? 0.01 }),
  Clip: (n, g) => {
    const lo = n.inputs[1] ? num(g, n.inputs[1]) : ((n.attrs.min as number | undefined) ?? -Infinity);
    const hi = n.inputs[2] ? num(g, n.inputs[2]) : ((n.attrs.max as number | undefined) ?? Infinity);
    return lo === 0 && hi === 6 ? 'relu6' : lo === 0 && hi === Infinity ? 'relu' : null;
  },
};

/** Ops that take an epilogue activation; Conv also folds a BatchNormalization. */
const TAKES_ACT = new Set(['Conv', 'Gemm', 'MatMul', 'Add', 'Mul', 'BatchNormalization']);

const isInit = (g: Graph, name: string | undefined) => !!name && g.initializers.has(name);

/** Groups the graph's nodes (topological order) for the compiled forward. */
export function fuseGroups(g: Graph): FusedGroup[] {
  const order = topoSort(g);
  const readers = new Map<string, Node[]>();
  for (const n of order) for (const v of n.inputs) if (v) readers.set(v, [...(readers.get(v) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  /** The single reader of v reading it as input 0, if v may be fused away. */
  const sole = (v: string): Node | undefined => {
    const r = readers.get(v);
    return !outputs.has(v) && r && r.length === 1 && r[0]!.inputs[0] === v && r[0]!.inputs.indexOf(v) === r[0]!.inputs.lastIndexOf(v) ? r[0] : undefined;
  };
  const taken = new Set<Node>();
  const groups: FusedGroup[] = [];
  for (const node of order) {
    if (taken.has(node)) continue;
    const grp: FusedGroup = { node, nodes: [node], out: node.outputs[0]! };
    if (node.op === 'Conv' && isInit(g, node.inputs[1]) && (!node.inputs[2] || isInit(g, node.inputs[2]))) {
      const bn = sole(grp.out);
      if (bn && bn.op === 'BatchNormalization' && bn.outputs.filter(Boolean).length === 1 && bn.inputs.slice(1, 5).every((v) => isInit(g, v))) {
        grp.bn = bn; grp.nodes.push(bn); grp.out = bn.outputs[0]!; taken.add(bn);
      }
    }
    if (node.op === 'Conv') {
      const r = readers.get(grp.out);
      const add = r && r.length === 1 && !outputs.has(grp.out) ? r[0]! : undefined;
      const other = add?.inputs.find((v) => v !== grp.out);
      if (add && add.op === 'Add' && !taken.has(add) && add.inputs.length === 2 && other && !g.initializers.has(other) && add.inputs.filter((v) => v === grp.out).length === 1) {
        grp.residual = other; grp.nodes.push(add); grp.out = add.outputs[0]!; taken.add(add);
      }
    }
    if (TAKES_ACT.has(node.op)) {
      const a = sole(grp.out);
      const spec = a && ACTIVATION_OPS[a.op] ? ACTIVATION_OPS[a.op]!(a, g) : null;
      if (a && spec !== null && a.outputs.filter(Boolean).length === 1) {
        grp.act = spec; grp.nodes.push(a); grp.out = a.outputs[0]!; taken.add(a);
      }
    }
    groups.push(grp);
  }
  const at = new Map(order.map((n, i) => [n, i]));
  const last = (grp: FusedGroup) => at.get(grp.nodes[grp.nodes.length - 1]!)!;
  return groups.sort((a, b) => last(a) - last(b));
}
