// Reverse-mode differentiation over a tape: walks the nodes backwards, calls each op's gradient
// kernel, and accumulates gradients of every value; returns the gradients of the trainable
// parameters (initializers at trainable input slots).
import type { Graph } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import { GRADS } from './grads/index.js';
import { gradContext } from './grad.js';
import type { Tape } from './tape.js';

/** Names of the trainable parameters of g: float32 initializers fed into trainable slots. */
export function trainableParams(g: Graph): string[] {
  const out = new Set<string>();
  for (const n of g.nodes) {
    const row = GRADS.get(n.op);
    if (!row) continue;
    for (const i of row.trainable) {
      const name = n.inputs[i];
      const t = name ? g.initializers.get(name) : undefined;
      if (t && t.dtype === 'float32') out.add(name!);
    }
  }
  return [...out];
}

/** Values whose gradient is needed: everything on a path from a parameter to the loss. */
function needsGrad(tape: Tape, params: Set<string>): Set<string> {
  const need = new Set<string>(params);
  for (const n of tape.order) if (n.inputs.some((i) => i && need.has(i))) for (const o of n.outputs) if (o) need.add(o);
  return need;
}

/** dLoss/dParam for every trainable parameter, given dLoss/dOutput seeds. */
export function backward(tape: Tape, seeds: Record<string, Float32Array>, params: string[] = trainableParams(tape.graph)): Map<string, Float32Array> {
  const pset = new Set(params);
  const need = needsGrad(tape, pset);
  const grads = new Map<string, Float32Array>();
  for (const [k, v] of Object.entries(seeds)) grads.set(k, v);
  const add = (name: string, g: Float32Array) => {
    const prev = grads.get(name);
    if (!prev) { grads.set(name, g); return; }
    for (let i = 0; i < g.length; i++) prev[i] += g[i]!;
  };
  for (let k = tape.order.length - 1; k >= 0; k--) {
    const node = tape.order[k]!;
    const dy = grads.get(node.outputs[0]!);
    if (!dy) continue;
    const row = GRADS.get(node.op);
    if (!row) throw new BwvmError('TRAIN_NO_GRAD', `node '${node.name}': op '${node.op}' has no gradient kernel`, { hint: 'freeze the layers before it or replace the op' });
    const want = node.inputs.map((i) => !!i && need.has(i) && (pset.has(i) || !tape.graph.initializers.has(i)));
    if (!want.some(Boolean)) continue;
    const x = node.inputs.map((i) => (i ? tape.values.get(i) : undefined));
    const y = node.outputs.map((o) => tape.values.get(o)!);
    const gs = row.grad(gradContext(node, tape.graph.opset, x, y, dy, want, tape.caches.get(node.name)));
    node.inputs.forEach((name, i) => { const g = gs[i]; if (name && want[i] && g) add(name, g); });
    for (const o of node.outputs) if (!tape.graph.outputs.some((go) => go.name === o)) grads.delete(o);
  }
  return new Map(params.filter((p) => grads.has(p)).map((p) => [p, grads.get(p)!]));
}
