// Reverse-mode differentiation over a tape: walks the nodes backwards, calls each op's gradient
// kernel (the tape engine's rows), and accumulates gradients of every value; returns the
// gradients of the trainable parameters. An activation's gradient is freed (back to the tape's
// buffer pool) once consumed and,
// with `release`, a saved activation once no later gradient kernel reads it. The static plan
// (backwardPlan) is shared with trainingStepMemory, so the memory figures are this code's.
import type { Graph, Node } from '../../ir/types.js';
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

export interface BackwardPlan {
  /** Per node index: which inputs get a gradient, or undefined when the node is skipped. */
  want: (boolean[] | undefined)[];
  /** Per node index: activations no gradient kernel reads after this node's. */
  releaseAfter: string[][];
  /** Activations no gradient kernel reads at all (released before backward starts). */
  releaseFirst: string[];
}

/** Which nodes run a gradient kernel, for which inputs, and when saved activations die. */
export function backwardPlan(g: Graph, order: Node[], seeds: string[], params: string[]): BackwardPlan {
  const pset = new Set(params);
  const need = new Set<string>(params);
  for (const n of order) if (n.inputs.some((i) => i && need.has(i))) for (const o of n.outputs) if (o) need.add(o);
  const hasGrad = new Set(seeds);
  const want: (boolean[] | undefined)[] = order.map(() => undefined);
  const lastUse = new Map<string, number>();
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    if (!hasGrad.has(node.outputs[0]!)) continue;
    const w = node.inputs.map((i) => !!i && need.has(i) && (pset.has(i) || !g.initializers.has(i)));
    if (!w.some(Boolean)) continue;
    want[k] = w;
    node.inputs.forEach((i, j) => { if (i && w[j]) hasGrad.add(i); });
    for (const v of [...node.inputs, ...node.outputs]) if (v) lastUse.set(v, k);
  }
  const keep = (v: string) => g.initializers.has(v) || g.inputs.some((i) => i.name === v);
  const releaseAfter: string[][] = order.map(() => []);
  const releaseFirst: string[] = [];
  for (const n of order) for (const o of n.outputs) {
    if (!o || keep(o)) continue;
    const k = lastUse.get(o);
    if (k === undefined) releaseFirst.push(o); else releaseAfter[k]!.push(o);
  }
  return { want, releaseAfter, releaseFirst };
}

export interface BackwardOptions {
  /** Drop saved activations from tape.values once no later gradient kernel reads them. */
  release?: boolean;
  /** Filled with the peak bytes held by the tape's activations plus live gradients. */
  stats?: { peakBytes: number };
}

/** dLoss/dParam for every trainable parameter, given dLoss/dOutput seeds. */
export function backward(tape: Tape, seeds: Record<string, Float32Array>, params: string[] = trainableParams(tape.graph),
  o: BackwardOptions = {}): Map<string, Float32Array> {
  const g = tape.graph;
  const plan = backwardPlan(g, tape.order, Object.keys(seeds), params);
  const grads = new Map<string, Float32Array>();
  for (const [k, v] of Object.entries(seeds)) grads.set(k, v);
  const stats = o.stats;
  const live = () => {
    let b = 0;
    // a buffer counts once: a fused BN's output and its Relu's share one, and a passed-through dy
    // is briefly both its node's output gradient and an input's
    const seen = new Set<unknown>();
    for (const [k, t] of tape.values) if (!g.initializers.has(k) && !seen.has(t.data)) { seen.add(t.data); b += t.data.byteLength; }
    for (const t of grads.values()) if (!seen.has(t)) { seen.add(t); b += t.byteLength; }
    return b;
  };
  const note = (extra = 0) => { if (stats) stats.peakBytes = Math.max(stats.peakBytes, live() + extra); };
  if (stats) stats.peakBytes = 0;
  note();
  const seedBufs = new Set(Object.values(seeds));
  /** Gradient buffers are never shared, so a consumed one goes straight back to the pool. */
  const recycle = (b: Float32Array) => { if (tape.pool && !seedBufs.has(b)) tape.pool.release('float32', b); };
  const drop = (names: string[]) => { if (o.release) for (const v of names) tape.values.delete(v); };
  drop(plan.releaseFirst);
  const accumulate = tape.engine.accumulate;
  const add = (name: string, gr: Float32Array) => {
    const prev = grads.get(name);
    if (!prev) { grads.set(name, gr); note(); return; }
    if (stats) note([...grads.values()].includes(gr) ? 0 : gr.byteLength);
    if (accumulate) accumulate(prev, gr); else for (let i = 0; i < gr.length; i++) prev[i] += gr[i]!;
    recycle(gr);
  };
  for (let k = tape.order.length - 1; k >= 0; k--) {
    const node = tape.order[k]!;
    const want = plan.want[k];
    const dy = grads.get(node.outputs[0]!);
    if (want && dy) {
      const row = tape.engine.grads.get(node.op);
      if (!row) throw new BwvmError('TRAIN_NO_GRAD', `node '${node.name}': op '${node.op}' has no gradient kernel`, { hint: 'freeze the layers before it or replace the op' });
      const x = node.inputs.map((i) => (i ? tape.values.get(i) : undefined));
      const y = node.outputs.map((out) => tape.values.get(out)!);
      const gs = row.grad(gradContext(node, g.opset, x, y, dy, want, tape.caches.get(node.name), tape.pool));
      // a row may hand dy itself on as one input's gradient (a pass-through): then dy is not
      // recycled below; a caller's seed or a graph output's gradient is copied instead
      let passed = false;
      node.inputs.forEach((name, i) => {
        let gr = gs[i];
        if (!name || !want[i] || !gr) return;
        if (gr === dy) {
          if (passed || seedBufs.has(dy) || g.outputs.some((go) => go.name === node.outputs[0])) gr = dy.slice();
          else passed = true;
        }
        add(name, gr);
      });
      for (const out of node.outputs) {
        const gr = out && !g.outputs.some((go) => go.name === out) ? grads.get(out) : undefined;
        if (gr) { grads.delete(out); if (!(passed && gr === dy)) recycle(gr); }
      }
    }
    drop(plan.releaseAfter[k]!);
  }
  return new Map(params.filter((p) => grads.has(p)).map((p) => [p, grads.get(p)!]));
}
