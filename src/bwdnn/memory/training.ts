// Memory of one training step, from shapes alone: activations the tape saves for backward,
// gradients (an activation's freed once consumed, saved activations released once no later
// gradient kernel reads them), parameter gradients, and the largest kernel workspace of the
// fast engine's conv backward; replays backward's own plan (backwardPlan) over value sizes,
// with the fast engine's buffer sharing (a training BN and the Relu fused into it: one buffer)
// and both engines' residual Add, which hands its output gradient on to its first input.
import type { Graph, Node } from '../../ir/types.js';
import { bindInputShapes, infoOf } from '../../ir/infer.js';
import { topoSort } from '../../ir/graph.js';
import { dtypeBytes } from '../../ir/dtype.js';
import { BwvmError } from '../../util/errors.js';
import { backwardPlan, trainableParams } from '../train/backward.js';
import { bnReluPairs } from '../train/tape.js';
import { lastUses } from './lifetime.js';

export interface TrainingStepMemory {
  batch: number;
  /** Peak of an inference forward that frees each activation after its last reader. */
  forwardPeakBytes: number;
  /** Everything the training tape keeps after its forward (graph input + every activation). */
  savedBytes: number;
  /** Gradients of the trainable parameters (held until the optimizer step). */
  paramGradBytes: number;
  /** Peak of saved activations + live gradients during backward (what backward's stats measure). */
  backwardPeakBytes: number;
  /** Largest scratch of one fast conv-backward call (padded input, channel-major dY, zero-inserted dY). */
  workspaceBytes: number;
  /** backwardPeakBytes + workspaceBytes. */
  peakBytes: number;
}

/** A copy of g with the batch bound (g itself is not touched). */
function withBatch(g: Graph, batch: number): Graph {
  const c: Graph = { ...g, inputs: g.inputs.map((i) => ({ ...i })), outputs: g.outputs.map((o) => ({ ...o, shape: [] })), nodes: [...g.nodes], valueInfo: new Map() };
  const input = c.inputs[0];
  if (!input) throw new BwvmError('TRAIN_FEED', `graph '${g.name}' has no input`);
  return bindInputShapes(c, { [input.name]: [batch, ...input.shape.slice(1)] });
}

/**
 * Arena bytes of one fast Conv gradient call (upper bound: input gradient wanted): the uploaded
 * dY, W, X, the results dX, dW, and the larger scratch of its two halves (flipped W + zero-inserted
 * dY, or padded X + channel-major dY + pixel table); the fixed GEMM packing buffers are not counted.
 */
function convWorkspace(c: Graph, n: Node, bytes: (v: string) => number): number {
  if (n.op !== 'Conv') return 0;
  const x = infoOf(c, n.inputs[0]!)!.shape as number[], y = infoOf(c, n.outputs[0]!)!.shape as number[];
  if (x.length !== 4) return 0;
  const pads = (n.attrs.pads as number[] | undefined) ?? [0, 0, 0, 0], s = (n.attrs.strides as number[] | undefined) ?? [1, 1];
  const xB = bytes(n.inputs[0]!), yB = bytes(n.outputs[0]!), wB = bytes(n.inputs[1]!);
  const padded = pads.some((p) => p !== 0) ? x[0]! * x[1]! * (x[2]! + pads[0]! + pads[2]!) * (x[3]! + pads[1]! + pads[3]!) * 4 : 0;
  const kh = (infoOf(c, n.inputs[1]!)!.shape as number[])[2]!, kw = (infoOf(c, n.inputs[1]!)!.shape as number[])[3]!;
  const dilated = s[0] === 1 && s[1] === 1 ? 0 : y[0]! * y[1]! * ((y[2]! - 1) * s[0]! + kh) * ((y[3]! - 1) * s[1]! + kw) * 4;
  const pixels = y[0]! * y[2]! * y[3]! * 4;
  return yB + wB + xB + xB + wB + Math.max(wB + dilated, padded + yB + pixels);
}

export interface TrainingStepMemoryOptions {
  /** The engine whose buffers are counted (default 'fast', the training default). */
  engine?: 'fast' | 'reference';
}

export function trainingStepMemory(g: Graph, batch: number, o: TrainingStepMemoryOptions = {}): TrainingStepMemory {
  const c = withBatch(g, batch);
  const order = topoSort(c);
  const size = (v: string) => {
    const t = infoOf(c, v);
    if (!t || t.shape.some((d) => typeof d !== 'number')) throw new BwvmError('TRAIN_SHAPE', `value '${v}' has no static shape at batch ${batch}`);
    return (t.shape as number[]).reduce((a, b) => a * b, 1) * dtypeBytes(t.dtype);
  };
  const input = c.inputs[0]!.name, output = c.outputs[0]!.name;
  const params = trainableParams(c);
  const plan = backwardPlan(c, order, [output], params);
  // a fused BN output and its Relu's output are one buffer, counted under the name backward drops last
  const shared = new Set<string>();
  if ((o.engine ?? 'fast') === 'fast') {
    const dropAt = new Map<string, number>(plan.releaseFirst.map((v) => [v, -1]));
    plan.releaseAfter.forEach((vs, k) => { for (const v of vs) dropAt.set(v, order.length - k); });
    for (const [bn, relu] of bnReluPairs(c, order)) {
      const a = bn.outputs[0]!, b = relu.outputs[0]!;
      shared.add((dropAt.get(a) ?? Infinity) >= (dropAt.get(b) ?? Infinity) ? b : a);
    }
  }
  const bytes = (v: string) => (shared.has(v) ? 0 : size(v));
  // inference forward with release after the last reader
  const last = lastUses(order);
  let live = size(input), forwardPeak = live;
  order.forEach((n, k) => {
    for (const out of n.outputs) if (out) live += size(out);
    forwardPeak = Math.max(forwardPeak, live);
    for (const v of new Set(n.inputs)) if (v && !c.initializers.has(v) && last.get(v) === k) live -= size(v);
    for (const out of n.outputs) if (out && !last.has(out) && out !== output) live -= size(out);
  });
  // training tape: everything kept
  const activations = [input, ...order.flatMap((n) => n.outputs.filter((o): o is string => !!o))];
  const saved = activations.reduce((a, v) => a + bytes(v), 0);
  const grads = new Set<string>([output]);
  let cur = saved + bytes(output), peak = cur;
  for (const v of plan.releaseFirst) cur -= bytes(v);
  let workspace = 0;
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!, want = plan.want[k];
    if (want && grads.has(n.outputs[0]!)) {
      workspace = Math.max(workspace, convWorkspace(c, n, size));
      // the Add gradient row hands dy itself to its first wanted input (not the graph output's)
      const out0 = n.outputs[0]!;
      const pass = passesThrough(c, n, size) && out0 !== output ? n.inputs.findIndex((v, i) => !!v && want[i]) : -1;
      let handed = false;
      n.inputs.forEach((v, i) => {
        if (!v || !want[i]) return;
        const mine = i === pass;
        if (grads.has(v)) { peak = Math.max(peak, cur + (mine ? 0 : size(v))); return; }
        grads.add(v);
        if (mine) { handed = true; return; }
        cur += size(v);
        peak = Math.max(peak, cur);
      });
      for (const out of n.outputs) if (out && out !== output && grads.delete(out) && !(handed && out === out0)) cur -= size(out);
    }
    for (const v of plan.releaseAfter[k]!) cur -= bytes(v);
  }
  const paramGrad = params.reduce((a, p) => a + size(p), 0);
  return { batch, forwardPeakBytes: forwardPeak, savedBytes: saved, paramGradBytes: paramGrad, backwardPeakBytes: peak, workspaceBytes: workspace, peakBytes: peak + workspace };
}

/** A same-shape Add, whose gradient row passes dy through (grads/pointwise.ts). */
function passesThrough(c: Graph, n: Node, size: (v: string) => number): boolean {
  if (n.op !== 'Add') return false;
  const out = size(n.outputs[0]!);
  return n.inputs.length === 2 && n.inputs.every((v) => !!v && !c.initializers.has(v) && size(v) === out);
}
