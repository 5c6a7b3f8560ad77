// Shape inference over a graph (fills graph.valueInfo, checks declared outputs) and constant
// folding of shape plumbing (Constant, Shape, Gather... become initializers).
import type { Graph, TensorInfo } from './types.js';
import { requireOp } from './ops/index.js';
import { makeContext, type SymValues } from './context.js';
import type { OpContext, OpDef } from './ops/schema.js';
import { topoSort, valueInfoOf, removeDead } from './graph.js';
import { shapeStr } from './shape.js';
import { BwvmError } from '../util/errors.js';

/** Infer every intermediate's dtype/shape in topological order; checks graph outputs agree. */
export function inferShapes(g: Graph): Graph {
  g.nodes = topoSort(g);
  g.valueInfo = new Map();
  const info = (n: string) => g.valueInfo.get(n) ?? valueInfoOf(g, n);
  const sym: SymValues = new Map();
  for (const node of g.nodes) {
    const def = requireOp(node.op, node.name);
    const ctx = makeContext(g, node, def, info, [], sym);
    const outs = def.infer(ctx);
    propagate(def, ctx, node.outputs[0], sym);
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

/** Set graph input dims by name (e.g. bind the batch) and re-infer; rank must match. */
export function bindInputShapes(g: Graph, shapes: Record<string, TensorInfo['shape']>): Graph {
  for (const [name, shape] of Object.entries(shapes)) {
    const i = g.inputs.find((x) => x.name === name);
    if (!i) throw new BwvmError('IR_INPUT', `graph '${g.name}' has no input '${name}' (inputs: ${g.inputs.map((x) => x.name).join(', ')})`);
    if (shape.length !== i.shape.length) throw new BwvmError('IR_SHAPE', `input '${name}' has rank ${i.shape.length}, the given shape ${shapeStr(shape)} has rank ${shape.length}`);
    if (shape.some((d) => typeof d === 'number' && !(Number.isInteger(d) && d > 0))) throw new BwvmError('IR_BAD_DIM', `input '${name}': dims must be positive, got ${shapeStr(shape)}`);
    i.shape = [...shape];
  }
  return inferShapes(g);
}

function propagate(def: OpDef, ctx: OpContext, out: string | undefined, sym: SymValues): void {
  if (!def.propagate || !out) return;
  const v = def.propagate(ctx);
  if (v) sym.set(out, v);
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
  const sym: SymValues = new Map();
  for (const node of g.nodes) {
    const def = requireOp(node.op, node.name);
    const ctx = makeContext(g, node, def, info, [], sym);
    const outs = def.infer(ctx);
    propagate(def, ctx, node.outputs[0], sym);
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
