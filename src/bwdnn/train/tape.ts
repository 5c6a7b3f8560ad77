// Forward pass for training: runs the graph op by op with an engine's kernels (the reference
// kernels by default, the WebAssembly kernels with the fast engine), keeping every value (the
// tape) for the backward pass; BatchNormalization uses batch statistics in training mode and
// updates its running statistics in place.
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
  const alloc = (dtype: Tensor['dtype'], shape: number[]): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { dtype, shape, data: pool ? pool.alloc(dtype, n) : allocData(dtype, n) };
  };
  for (const node of order) {
    const x = node.inputs.map((n) => (n ? values.get(n) : undefined));
    if (node.op === 'BatchNormalization' && training) {
      const X = x[0]!;
      const y = alloc('float32', [...X.shape]);
      const eps = (node.attrs.epsilon as number | undefined) ?? 1e-5, mom = (node.attrs.momentum as number | undefined) ?? 0.9;
      caches.set(node.name, (engine.bnForward ?? bnForward)(X, x[1]!, x[2]!, x[3]!, x[4]!, eps, mom, true, y.data as Float32Array, (n) => alloc('float32', [n]).data as Float32Array));
      values.set(node.outputs[0]!, y);
      continue;
    }
    const kernel = engine.kernels.get(node.op);
    if (!kernel) throw new BwvmError('EXEC_NO_KERNEL', `node '${node.name}': no kernel for op '${node.op}'`);
    const outs = kernel(x, kernelContext(node, requireOp(node.op, node.name), g.opset, x, alloc));
    node.outputs.forEach((o, i) => { if (o && outs[i]) values.set(o, outs[i]!); });
  }
  return { graph: g, order, values, caches, training, engine, ...(pool ? { pool } : {}) };
}
