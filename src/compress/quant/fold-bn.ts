// Folding of inference BatchNormalization into the Conv or Gemm feeding it (weights scaled per
// output channel, bias shifted), on a cloned graph: the PTQ path runs it first so batch-norm
// networks (vgg_small, resnet20, mobilenet) lower to the integer model.
import type { Graph, Initializer, Node } from '../../ir/types.js';
import { cloneGraph, consumers, producers, uniqueName } from '../../ir/graph.js';
import { BwvmError } from '../../util/errors.js';

export interface FoldResult { graph: Graph; folded: { bn: string; into: string }[] }

const f32 = (g: Graph, name: string | undefined, what: string, n: Node): Float32Array => {
  const t = name ? g.initializers.get(name) : undefined;
  if (!t || t.dtype !== 'float32') throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}' (${n.op}): ${what} must be a float32 initializer`, { hint: 'only inference batch norm with constant statistics can be folded' });
  return t.data as Float32Array;
};

/** Per-channel scale and shift of an inference BN: y = x * s + t. */
function bnAffine(g: Graph, bn: Node): { s: Float64Array; t: Float64Array } {
  if (bn.attrs.training_mode === 1) throw new BwvmError('QUANT_UNSUPPORTED', `node '${bn.name}': BatchNormalization in training mode cannot be folded`);
  const eps = (bn.attrs.epsilon as number | undefined) ?? 1e-5;
  const gamma = f32(g, bn.inputs[1], 'scale', bn), beta = f32(g, bn.inputs[2], 'bias', bn);
  const mean = f32(g, bn.inputs[3], 'mean', bn), vr = f32(g, bn.inputs[4], 'variance', bn);
  const s = new Float64Array(gamma.length), t = new Float64Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) { s[c] = gamma[c]! / Math.sqrt(vr[c]! + eps); t[c] = beta[c]! - mean[c]! * s[c]!; }
  return { s, t };
}

/** Index of weight element i's output channel (Conv [Cout, ...]; Gemm by transB). */
function channelOf(n: Node, shape: number[]): (i: number) => number {
  if (n.op === 'Conv') { const per = shape.slice(1).reduce((a, b) => a * b, 1); return (i) => Math.floor(i / per); }
  if (n.attrs.transB === 1) { const K = shape[1]!; return (i) => Math.floor(i / K); }
  const N = shape[1]!;
  return (i) => i % N;
}

function foldable(g: Graph, n: Node | undefined, uses: Map<string, Node[]>): n is Node {
  if (!n || (n.op !== 'Conv' && n.op !== 'Gemm')) return false;
  if ((uses.get(n.outputs[0]!) ?? []).length !== 1 || g.outputs.some((o) => o.name === n.outputs[0])) return false;
  const W = g.initializers.get(n.inputs[1]!);
  if (!W || W.dtype !== 'float32') return false;
  if (n.op === 'Gemm' && (W.shape.length !== 2 || n.attrs.transA === 1)) return false;
  return !n.inputs[2] || g.initializers.get(n.inputs[2])?.dtype === 'float32';
}

/** A copy of g with every BatchNormalization that directly follows a Conv/Gemm folded into it. */
export function foldBatchNorm(g0: Graph): FoldResult {
  const g = cloneGraph(g0);
  const folded: FoldResult['folded'] = [];
  const prod = producers(g);
  const uses = consumers(g);
  const drop = new Set<Node>();
  for (const bn of g.nodes) {
    if (bn.op !== 'BatchNormalization') continue;
    const n = prod.get(bn.inputs[0]!);
    if (!foldable(g, n, uses)) continue;
    const { s, t } = bnAffine(g, bn);
    const W = g.initializers.get(n.inputs[1]!)!;
    const cout = n.op === 'Conv' ? W.shape[0]! : n.attrs.transB === 1 ? W.shape[0]! : W.shape[1]!;
    if (cout !== s.length) throw new BwvmError('QUANT_UNSUPPORTED', `node '${bn.name}': ${s.length} channels, but '${n.name}' has ${cout} outputs`);
    // (alpha scales W x only: scaling W per output channel commutes with it)
    const beta = n.op === 'Gemm' ? ((n.attrs.beta as number | undefined) ?? 1) : 1;
    const ch = channelOf(n, W.shape);
    const w = W.data as Float32Array, nw = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) nw[i] = w[i]! * s[ch(i)]!;
    // the effective bias beta * b becomes (beta * b) * s + t; it is stored divided by beta
    const b = n.inputs[2] ? (g.initializers.get(n.inputs[2])!.data as Float32Array) : undefined;
    if (b && b.length !== cout) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}': bias must be 1-D per output to fold '${bn.name}'`);
    const nb = new Float32Array(cout), nbeta = beta !== 0 ? beta : 1;
    for (let c = 0; c < cout; c++) nb[c] = ((b ? beta * b[c]! : 0) * s[c]! + t[c]!) / nbeta;
    const shared = (uses.get(n.inputs[1]!) ?? []).length > 1;
    const wName = shared ? uniqueName(g, `${n.inputs[1]}_bnfold`) : n.inputs[1]!;
    const bName = n.inputs[2] && (uses.get(n.inputs[2]) ?? []).length === 1 ? n.inputs[2] : uniqueName(g, `${n.name}.bias_bnfold`);
    const put = (name: string, data: Float32Array, shape: number[]) => g.initializers.set(name, { name, dtype: 'float32', shape, data } as Initializer);
    put(wName, nw, [...W.shape]);
    put(bName, nb, [cout]);
    n.inputs[1] = wName;
    n.inputs[2] = bName;
    if (n.op === 'Gemm' && beta === 0) n.attrs.beta = nbeta;
    g.valueInfo.delete(n.outputs[0]!);
    n.outputs[0] = bn.outputs[0]!;
    drop.add(bn);
    folded.push({ bn: bn.name, into: n.name });
  }
  g.nodes = g.nodes.filter((x) => !drop.has(x));
  for (const bn of drop) for (const i of bn.inputs.slice(1)) if (i && !g.nodes.some((x) => x.inputs.includes(i))) g.initializers.delete(i);
  return { graph: g, folded };
}
