// Pass: conv/gemm/matmul (+ constant bias Add) + activation (+ optional pooling) fusion, kept as groups in
// graph.meta (see ../fusion.ts): semantics and node list are unchanged, so every executor
// still runs the graph; a backend emits one kernel per group.
import { consumers, producers } from '../../ir/graph.js';
import type { Graph, Node } from '../../ir/types.js';
import type { Pass } from '../pass.js';
import { readFusion, writeFusion, type FusionGroup } from '../fusion.js';
import { singleUse } from '../rewrite.js';

const ANCHORS = new Set(['Conv', 'Gemm', 'MatMul']);
const ACTIVATIONS = new Set(['Relu', 'Clip', 'LeakyRelu', 'HardSwish', 'HardSigmoid', 'Sigmoid', 'Tanh', 'Elu']);
const POOLS = new Set(['MaxPool', 'AveragePool']);

/** The only reader of n's first output, if it has exactly one and that output is internal. */
function soleReader(g: Graph, n: Node, cons: Map<string, Node[]>): Node | undefined {
  const o = n.outputs[0];
  return o && singleUse(g, o, cons) ? cons.get(o)![0] : undefined;
}

/** An Add of the anchor's output and a constant vector along the last axis (a layer bias). */
function isBiasAdd(g: Graph, add: Node, anchor: Node): boolean {
  if (add.op !== 'Add' || !add.inputs.includes(anchor.outputs[0]!)) return false;
  const other = g.initializers.get(add.inputs.find((i) => i !== anchor.outputs[0]) ?? '');
  const y = g.valueInfo.get(anchor.outputs[0]!);
  const last = y?.shape[y.shape.length - 1];
  return !!other && anchor.op !== 'Conv' && typeof last === 'number' && other.data.length === last && other.shape.every((d, i) => i === other.shape.length - 1 || d === 1);
}

export const fuseActivationPass: Pass = {
  name: 'fuse-activation',
  description: 'group Conv/Gemm + activation (+ MaxPool/AveragePool) into fusion groups (graph.meta opt.fusion)',
  run(g, ctx) {
    const before = g.meta['opt.fusion'];
    const prod = producers(g), cons = consumers(g);
    const taken = new Set(readFusion(g).flatMap((f) => f.nodes));
    const groups: FusionGroup[] = readFusion(g);
    for (const n of g.nodes) {
      if (!ANCHORS.has(n.op) || taken.has(n.name)) continue;
      let head = n;
      const bias = soleReader(g, n, cons);
      if (bias && isBiasAdd(g, bias, n) && !taken.has(bias.name)) head = bias;
      const act = soleReader(g, head, cons);
      if (!act || !ACTIVATIONS.has(act.op) || act.inputs[0] !== head.outputs[0] || taken.has(act.name)) continue;
      if (act.inputs.slice(1).some((i) => i && !g.initializers.has(i))) continue; // Clip bounds must be constant
      const grp: FusionGroup = { anchor: n.name, nodes: head === n ? [n.name, act.name] : [n.name, head.name, act.name], ...(head !== n ? { bias: head.name } : {}), activation: act.op };
      const pool = soleReader(g, act, cons);
      if (pool && POOLS.has(pool.op) && !taken.has(pool.name) && prod.get(pool.inputs[0]!) === act) { grp.nodes.push(pool.name); grp.pool = pool.op; }
      grp.nodes.forEach((x) => taken.add(x));
      groups.push(grp);
    }
    writeFusion(g, groups);
    const added = groups.length - (before ? (JSON.parse(before) as unknown[]).length : 0);
    if (added) ctx.notes.push(`${added} fusion group(s)`);
    return g.meta['opt.fusion'] !== before;
  },
};
