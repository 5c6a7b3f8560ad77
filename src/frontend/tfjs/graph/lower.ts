// TF.js graph models: GraphDef-style JSON nodes + manifest constants -> NCHW graph IR through the
// op table. Unknown ops are refused (naming op, node and file) before any shard is read; the
// graph keeps the model's NHWC inputs and outputs.
import type { Dim, Graph, Tensor } from '../../../ir/index.js';
import { BwvmError } from '../../../util/errors.js';
import { GraphBuilder } from '../../keras/builder.js';
import { checkFinite } from '../../keras/lower.js';
import { OpCtx, type GNode, type GVal, type OpConverter } from './context.js';
import { BASIC_OPS } from './ops-basic.js';
import { NN_OPS } from './ops-nn.js';

export const GRAPH_OPS: Readonly<Record<string, OpConverter>> = { ...NN_OPS, ...BASIC_OPS };
const STRUCTURAL = new Set(['Placeholder', 'Const', 'NoOp']);

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parse and check the node list: shapes of the JSON, unique names, known ops. */
export function parseNodes(topology: Record<string, unknown>, file: string): GNode[] {
  if (!Array.isArray(topology.node)) throw new BwvmError('TFJS_FORMAT', `${file}: graph model has no node list`);
  const seen = new Set<string>();
  const nodes = topology.node.map((n, i) => {
    if (!isObj(n) || typeof n.name !== 'string' || typeof n.op !== 'string') throw new BwvmError('TFJS_FORMAT', `${file}: node #${i} lacks name/op`);
    if (seen.has(n.name)) throw new BwvmError('TFJS_FORMAT', `${file}: two nodes are named '${n.name}'`);
    seen.add(n.name);
    const input = n.input === undefined ? [] : n.input;
    if (!Array.isArray(input) || !input.every((x) => typeof x === 'string')) throw new BwvmError('TFJS_FORMAT', `${file}: node '${n.name}' has malformed inputs`);
    return { name: n.name, op: n.op, input: input as string[], attr: isObj(n.attr) ? n.attr : {} };
  });
  if (isObj(topology.library) && Array.isArray(topology.library.function) && topology.library.function.length > 0) {
    throw new BwvmError('TFJS_UNSUPPORTED_OP', `${file}: the graph holds function definitions (control flow), which are not supported`);
  }
  for (const n of nodes) {
    if (!STRUCTURAL.has(n.op) && !Object.hasOwn(GRAPH_OPS, n.op)) {
      throw new BwvmError('TFJS_UNSUPPORTED_OP', `${file}: node '${n.name}' uses op '${n.op}', which is not supported`, { hint: `supported ops: ${Object.keys(GRAPH_OPS).join(', ')}` });
    }
  }
  return nodes;
}

function placeholderShape(n: GNode, file: string): Dim[] {
  const a = n.attr;
  const dtype = isObj(a.dtype) ? a.dtype.type : undefined;
  if (dtype !== undefined && dtype !== 'DT_FLOAT') throw new BwvmError('TFJS_DTYPE', `${file}: input '${n.name}' has dtype ${String(dtype)}; only float32 inputs are supported`);
  const shape = isObj(a.shape) && isObj(a.shape.shape) ? a.shape.shape : undefined;
  if (!shape || !Array.isArray(shape.dim) || shape.unknownRank) throw new BwvmError('TFJS_DYNAMIC_SHAPE', `${file}: input '${n.name}' has no static shape`, { hint: 'convert the model with a fixed input shape' });
  return shape.dim.map((d, i) => {
    const s = Number(isObj(d) ? d.size : NaN);
    if (s === -1 && i === 0) return 'N';
    if (s === -1) throw new BwvmError('TFJS_DYNAMIC_SHAPE', `${file}: input '${n.name}' dim ${i} is unknown`, { hint: 'convert the model with a fixed input shape' });
    if (!Number.isInteger(s) || s <= 0) throw new BwvmError('TFJS_BAD_DIM', `${file}: input '${n.name}' has invalid dim ${JSON.stringify(d)}`);
    return s;
  });
}

/** 'name:1' -> ['name', 1]; control inputs ('^name') are dropped by the caller. */
const splitRef = (r: string): [string, number] => {
  const m = /^(.*):(\d+)$/.exec(r);
  return m ? [m[1]!, Number(m[2])] : [r, 0];
};

export function lowerGraphModel(nodes: GNode[], weights: Map<string, Tensor>, outputs: string[], file: string, meta: Record<string, string>): Graph {
  checkFinite(new Map([...weights].map(([k, t]) => [k, new Map([['value', t]])])), file);
  const b = new GraphBuilder('tfjs_graph', file);
  const values = new Map<string, GVal>();
  const pending: GNode[] = [];
  for (const n of nodes) {
    if (n.op === 'Placeholder') values.set(`${n.name}:0`, { kind: 'value', v: b.input(n.name, placeholderShape(n, file)) });
    else if (n.op === 'Const') {
      const t = weights.get(n.name);
      if (!t) throw new BwvmError('TFJS_WEIGHTS', `${file}: constant '${n.name}' has no entry in the weights manifest`, { hint: 'the manifest and model.json do not belong together' });
      values.set(`${n.name}:0`, { kind: 'const', t });
    } else if (n.op !== 'NoOp') pending.push(n);
  }
  const key = (r: string) => { const [n, i] = splitRef(r); return `${n}:${i}`; };
  const dataInputs = (n: GNode) => n.input.filter((r) => !r.startsWith('^'));
  while (pending.length > 0) {
    const i = pending.findIndex((n) => dataInputs(n).every((r) => values.has(key(r))));
    if (i < 0) {
      const n = pending[0]!;
      const missing = dataInputs(n).find((r) => !values.has(key(r)));
      throw new BwvmError('TFJS_GRAPH', `${file}: node '${n.name}' reads '${missing}', which no node produces (or the graph has a cycle)`);
    }
    const n = pending.splice(i, 1)[0]!;
    const outs = GRAPH_OPS[n.op]!(new OpCtx(b, n, dataInputs(n).map((r) => values.get(key(r))!)));
    outs.forEach((g, k) => values.set(`${n.name}:${k}`, g));
  }
  for (const o of outputs) {
    const g = values.get(key(o));
    if (!g) throw new BwvmError('TFJS_GRAPH', `${file}: output '${o}' is not computed by the graph`);
    if (g.kind !== 'value') throw new BwvmError('TFJS_UNSUPPORTED_OP', `${file}: output '${o}' is a constant`);
    b.output(g.v, splitRef(o)[0]);
  }
  Object.assign(b.graph.meta, { source: file, inputLayout: 'NHWC (as the TF.js model)', ...meta });
  return b.graph;
}

/** Output names: the signature's outputs, else nodes nobody consumes. */
export function graphOutputs(nodes: GNode[], doc: Record<string, unknown>): string[] {
  const sig = isObj(doc.signature) && isObj(doc.signature.outputs) ? doc.signature.outputs : undefined;
  if (sig) {
    const names = Object.values(sig).map((o) => (isObj(o) && typeof o.name === 'string' ? o.name : undefined)).filter((x): x is string => !!x);
    if (names.length > 0) return names;
  }
  const used = new Set(nodes.flatMap((n) => n.input.map((r) => splitRef(r.replace(/^\^/, ''))[0])));
  return nodes.filter((n) => !used.has(n.name) && !STRUCTURAL.has(n.op)).map((n) => n.name);
}
