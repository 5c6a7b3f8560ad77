// The reference executor: runs any IR graph op by op with the kernel table, checking feeds,
// freeing activation buffers after their last use (BufferPool) and reporting peak bytes.
import type { Graph, Tensor } from '../../ir/types.js';
import { requireOp } from '../../ir/ops/index.js';
import { topoSort } from '../../ir/graph.js';
import { shapeStr } from '../../ir/shape.js';
import { BwvmError } from '../../util/errors.js';
import { BufferPool, type PoolStats } from '../memory/pool.js';
import { releaseSchedule } from '../memory/lifetime.js';
import { KERNELS } from './kernels/index.js';
import { kernelContext, type Kernel } from './kernel.js';

export interface RunOptions {
  /** Keep and return every intermediate value (per-layer comparisons); disables buffer reuse. */
  keepIntermediates?: boolean;
  /** Called after each node with its outputs (before buffers are released). */
  onNode?: (node: string, outputs: Record<string, Tensor>) => void;
  /** Another kernel table (e.g. fastKernels(rt) from bwdnn/kernels); default: the reference kernels. */
  kernels?: ReadonlyMap<string, Kernel>;
}

export interface RunResult {
  outputs: Record<string, Tensor>;
  /** Every value computed (only with keepIntermediates). */
  intermediates?: Record<string, Tensor>;
  memory: PoolStats;
}

/** Check one feed against the graph input it binds (dtype, rank, concrete dims). */
function checkFeed(g: Graph, name: string, t: Tensor | undefined, symbols: Map<string, number>): Tensor {
  const info = g.inputs.find((i) => i.name === name)!;
  if (!t) throw new BwvmError('EXEC_FEED', `missing input '${name}' (expected ${info.dtype} ${shapeStr(info.shape)})`);
  if (t.dtype !== info.dtype) throw new BwvmError('EXEC_FEED', `input '${name}' has dtype ${t.dtype}, expected ${info.dtype}`);
  const bad = t.shape.length !== info.shape.length || info.shape.some((d, i) => typeof d === 'number' && d !== t.shape[i]);
  if (bad) throw new BwvmError('EXEC_FEED', `input '${name}' has shape ${shapeStr(t.shape)}, expected ${shapeStr(info.shape)}`);
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) throw new BwvmError('EXEC_FEED', `input '${name}' has ${t.data.length} elements for shape ${shapeStr(t.shape)} (${n})`);
  // a symbol (e.g. the batch 'N') must have one size across all inputs
  info.shape.forEach((d, i) => {
    if (typeof d !== 'string') return;
    const prev = symbols.get(d);
    if (prev !== undefined && prev !== t.shape[i]) throw new BwvmError('EXEC_FEED', `input '${name}' binds ${d} = ${t.shape[i]}, but an earlier input bound ${d} = ${prev}`);
    symbols.set(d, t.shape[i]!);
  });
  return t;
}

export function runDetailed(g: Graph, feeds: Record<string, Tensor>, opts: RunOptions = {}): RunResult {
  const order = topoSort(g);
  const pool = new BufferPool();
  const values = new Map<string, Tensor>();
  for (const [k, t] of g.initializers) values.set(k, t);
  const symbols = new Map<string, number>();
  for (const i of g.inputs) values.set(i.name, checkFeed(g, i.name, feeds[i.name], symbols));
  const keep = new Set<string>([...g.outputs.map((o) => o.name), ...g.inputs.map((i) => i.name), ...g.initializers.keys()]);
  const schedule = opts.keepIntermediates ? order.map(() => []) : releaseSchedule(order, keep);
  order.forEach((node, idx) => {
    const def = requireOp(node.op, node.name);
    const kernel = (opts.kernels ?? KERNELS).get(node.op);
    if (!kernel) throw new BwvmError('EXEC_NO_KERNEL', `node '${node.name}': the reference executor has no kernel for op '${node.op}'`);
    const x = node.inputs.map((n) => {
      if (!n) return undefined;
      const v = values.get(n);
      if (!v) throw new BwvmError('EXEC_VALUE', `node '${node.name}' (${node.op}): input '${n}' has not been computed`);
      return v;
    });
    const ctx = kernelContext(node, def, g.opset, x, (dt, shape) => ({ dtype: dt, shape, data: pool.alloc(dt, shape.reduce((a, b) => a * b, 1)) }),
      (dt, shape) => ({ dtype: dt, shape, data: pool.allocUninit(dt, shape.reduce((a, b) => a * b, 1)) }));
    const outs = kernel(x, ctx);
    node.outputs.forEach((o, i) => { if (o && outs[i]) values.set(o, outs[i]!); });
    // buffers of outputs nobody asked for are returned straight away (e.g. Dropout masks)
    outs.slice(node.outputs.length).forEach((t) => pool.release(t.dtype, t.data));
    if (opts.onNode) opts.onNode(node.name, Object.fromEntries(node.outputs.filter((o) => o && values.has(o)).map((o) => [o, values.get(o)!])));
    for (const v of schedule[idx]!) {
      const t = values.get(v);
      if (t && pool.owns(t.data)) { pool.release(t.dtype, t.data); values.delete(v); }
    }
  });
  const outputs: Record<string, Tensor> = {};
  for (const o of g.outputs) {
    const t = values.get(o.name);
    if (!t) throw new BwvmError('EXEC_VALUE', `graph output '${o.name}' was not computed`);
    outputs[o.name] = t;
  }
  const res: RunResult = { outputs, memory: { ...pool.stats } };
  if (opts.keepIntermediates) res.intermediates = Object.fromEntries([...values].filter(([k]) => !g.initializers.has(k)));
  return res;
}

/** Run the graph and return its outputs by name. */
export function run(g: Graph, feeds: Record<string, Tensor>, opts: RunOptions = {}): Record<string, Tensor> {
  return runDetailed(g, feeds, opts).outputs;
}
