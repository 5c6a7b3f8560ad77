// Shape inference over a graph (fills graph.valueInfo, checks declared outputs) and constant
// folding of shape plumbing (Constant, Shape, Gather... become initializers).
import type { Graph, TensorInfo } from './types.js';
import { requireOp } from './ops/index.js';
import { makeContext } from './context.js';
import { topoSort, valueInfoOf, removeDead } from './graph.js';
import { shapeStr } from './shape.js';
import { BwvmError } from '../util/errors.js';

/** Infer every intermediate's dtype/shape in topological order; checks graph outputs agree. */
export function inferShapes(g: Graph): Graph {
  g.nodes = topoSort(g);
  g.valueInfo = new Map();
  const info = (n: string) => g.valueInfo.get(n) ?? valueInfoOf(g, n);
  for (const node of g.nodes) {
    const def = requireOp(node.op, node.name);
    const ctx = makeContext(g, node, def, info);
    const outs = def.infer(ctx);
    node.outputs.forEach((o, i) => {
      if (!o || !outs[i]) return;
      const prev = g.valueInfo.get(o);
      g.valueInfo.set(o, { name: o, dtype: outs[i]!.dtype, shape: outs[i]!.shape, ...(prev?.quant ? { quant: prev.quant } : {}) });
    });
  }
  for (const out of g.outputs) {
    const got = g.valueInfo.get(out.name) ?? valueInfoOf(g, out.name);
    if (!got || got === out) throw new BwvmError('IR_OUTPUT', `graph output '${out.name}' is not produced by any node`);
    const clash = out.shape.length > 0 && (out.shape.length !== got.shape.length || out.shape.some((d, i) => typeof d === 'number' && typeof got.shape[i] === 'number' && d !== got.shape[i]));
    if (clash) throw new BwvmError('IR_SHAPE', `graph output '${out.name}' declared ${shapeStr(out.shape)} but inferred ${shapeStr(got.shape)}`);
    out.dtype = got.dtype;
    out.shape = out.shape.length === got.shape.length ? got.shape.map((d, i) => (typeof d === 'number' ? d : out.shape[i]!)) : [...got.shape];
  }
  return g;
}

/** Info for any value after inferShapes. */
export function infoOf(g: Graph, name: string): TensorInfo | undefined {
  return g.valueInfo.get(name) ?? valueInfoOf(g, name);
}

/**
 * Replace nodes whose outputs can be computed now (rows with `fold`, all inputs constant or
 * static shapes) by initializers, then drop dead nodes. Returns the number of folded nodes.
 */
export function foldConstants(g: Graph): number {
  let folded = 0;
  g.nodes = topoSort(g);
  g.valueInfo = new Map();
  const info = (n: string) => g.valueInfo.get(n) ?? valueInfoOf(g, n);
  const keep = [];
  const outputNames = new Set(g.outputs.map((o) => o.name));
  for (const node of g.nodes) {
    const def = requireOp(node.op, node.name);
    const ctx = makeContext(g, node, def, info);
    const outs = def.infer(ctx);
    node.outputs.forEach((o, i) => { if (o && outs[i]) g.valueInfo.set(o, { name: o, dtype: outs[i]!.dtype, shape: outs[i]!.shape }); });
    const allConst = node.inputs.every((i) => !i || g.initializers.has(i));
    const canFold = def.fold && (allConst || node.op === 'Shape') && !node.outputs.some((o) => outputNames.has(o));
    const vals = canFold ? def.fold!(makeContext(g, node, def, info, node.outputs.map((o) => g.valueInfo.get(o)!))) : undefined;
    if (vals && vals.length === node.outputs.length) {
      node.outputs.forEach((o, i) => { g.initializers.set(o, { name: o, ...vals[i]! }); g.valueInfo.delete(o); });
      folded++;
    } else keep.push(node);
  }
  g.nodes = keep;
  removeDead(g);
  inferShapes(g);
  return folded;
}
