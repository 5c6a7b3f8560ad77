// Forward pass for training: runs the graph op by op with an engine's kernels (the reference
// kernels by default, the WebAssembly kernels with the fast engine), keeping every value (the
// tape) for the backward pass; BatchNormalization uses batch statistics in training mode and
// updates its running statistics in place. On engines that ask for it (fuseBnRelu), a training
// BatchNormalization and the Relu that alone reads it run as one pass; the BN output's tape entry
// is then the Relu output, which is all the Relu gradient needs (x > 0 exactly where relu(x) > 0).
import type { Graph, Node, Tensor } from '../../ir/types.js';
import { requireOp } from '../../ir/ops/index.js';
import { topoSort } from '../../ir/graph.js';
import { allocData } from '../../ir/dtype.js';
import { BwvmError } from '../../util/errors.js';
import { kernelContext } from '../reference/kernel.js';
import { bnForward } from './grads/norm.js';
import { REFERENCE_ENGINE, type TrainEngine } from './engine.js';
import type { BufferPool } from '../memory/pool.js';

export interface Tape {
  graph: Graph;
  order: Node[];
  values: Map<string, Tensor>;
  /** Per-node forward caches (BN batch statistics). */
  caches: Map<string, unknown>;
  training: boolean;
  /** The engine that ran the forward; backward uses its gradient rows. */
  engine: TrainEngine;
  /** Buffer pool the activations (and backward's gradients) come from, reused across steps. */
  pool?: BufferPool;
}

export function forwardTape(g: Graph, feeds: Record<string, Tensor>, training: boolean, order: Node[] = topoSort(g),
  engine: TrainEngine = REFERENCE_ENGINE, pool?: BufferPool): Tape {
  const values = new Map<string, Tensor>();
  for (const [k, t] of g.initializers) values.set(k, t);
  for (const i of g.inputs) {
    const t = feeds[i.name];
    if (!t) throw new BwvmError('TRAIN_FEED', `missing input '${i.name}'`);
    values.set(i.name, t);
  }
  const caches = new Map<string, unknown>();
  const make = (zero: boolean) => (dtype: Tensor['dtype'], shape: number[]): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { dtype, shape, data: !pool ? allocData(dtype, n) : zero ? pool.alloc(dtype, n) : pool.allocUninit(dtype, n) };
  };
  const alloc = make(true), allocUninit = make(false);
  const fused = training && engine.fuseBnRelu ? bnReluPairs(g, order) : new Map<Node, Node>();
  const done = new Set<Node>();
  for (const node of order) {
    if (done.has(node)) continue;
    const x = node.inputs.map((n) => (n ? values.get(n) : undefined));
    if (node.op === 'BatchNormalization' && training) {
      const X = x[0]!;
      const y = allocUninit('float32', [...X.shape]);
      const eps = (node.attrs.epsilon as number | undefined) ?? 1e-5, mom = (node.attrs.momentum as number | undefined) ?? 0.9;
      const relu = fused.get(node);
      caches.set(node.name, (engine.bnForward ?? bnForward)(X, x[1]!, x[2]!, x[3]!, x[4]!, eps, mom, true, y.data as Float32Array,
        (n) => allocUninit('float32', [n]).data as Float32Array, !!relu));
      values.set(node.outputs[0]!, y);
      if (relu) { values.set(relu.outputs[0]!, y); done.add(relu); }
      continue;
    }
    const kernel = engine.kernels.get(node.op);
    if (!kernel) throw new BwvmError('EXEC_NO_KERNEL', `node '${node.name}': no kernel for op '${node.op}'`);
    const outs = kernel(x, kernelContext(node, requireOp(node.op, node.name), g.opset, x, alloc, allocUninit));
    node.outputs.forEach((o, i) => { if (o && outs[i]) values.set(o, outs[i]!); });
  }
  return { graph: g, order, values, caches, training, engine, ...(pool ? { pool } : {}) };
}

/** BatchNormalization nodes whose only reader is a Relu (and whose output is not a graph output) -> that Relu. */
export function bnReluPairs(g: Graph, order: Node[]): Map<Node, Node> {
  const readers = new Map<string, Node[]>();
  for (const n of order) for (const i of n.inputs) if (i) { const r = readers.get(i); if (r) r.push(n); else readers.set(i, [n]); }
  const outs = new Set(g.outputs.map((o) => o.name));
  const pairs = new Map<Node, Node>();
  for (const n of order) {
    if (n.op !== 'BatchNormalization' || n.outputs.filter(Boolean).length !== 1) continue;
    const r = readers.get(n.outputs[0]!);
    if (r?.length === 1 && r[0]!.op === 'Relu' && r[0]!.inputs.filter(Boolean).length === 1 && !outs.has(n.outputs[0]!)) pairs.set(n, r[0]!);
  }
  return pairs;
}
