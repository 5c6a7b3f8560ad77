// Physical pruning: given the kept channels of each dependency group, slice every member weight
// along its axis, fix explicit Reshape targets, and re-infer shapes. The result is a smaller
// graph (never masks) that runs in bwDNN and exports to ONNX. `maskedCopy` builds the
// masked-weight equivalent of a plan (pruned consumer columns zeroed) for verification.
import type { Graph, Initializer } from '../ir/types.js';
import { cloneGraph, producers } from '../ir/graph.js';
import { inferShapes } from '../ir/infer.js';
import { allocData } from '../ir/dtype.js';
import { strides } from '../ir/shape.js';
import { BwvmError } from '../util/errors.js';
import type { ChannelGroup, Member } from './groups.js';

/** group id -> kept channel indices (ascending). Groups not listed keep every channel. */
export type KeepPlan = Map<number, number[]>;

function keptIndices(m: Member, dim: number, keep: Map<number, Set<number>>): number[] {
  const out: number[] = [];
  for (let j = 0; j < dim; j++) {
    const [gid, i] = m.map[Math.floor(j / m.block)]!;
    const k = keep.get(gid);
    if (!k || k.has(i)) out.push(j);
  }
  return out;
}

function selectAxis(t: Initializer, axis: number, idx: number[]): Initializer {
  const shape = [...t.shape];
  const st = strides(t.shape);
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1), inner = st[axis]!;
  shape[axis] = idx.length;
  const data = allocData(t.dtype, shape.reduce((a, b) => a * b, 1));
  let o = 0;
  for (let a = 0; a < outer; a++) for (const j of idx) {
    const src = (a * t.shape[axis]! + j) * inner;
    (data as Float32Array).set((t.data as Float32Array).subarray(src, src + inner), o);
    o += inner;
  }
  return { ...t, shape, data };
}

export function uniqueMembers(groups: ChannelGroup[]): Member[] {
  const seen = new Set<string>();
  return groups.flatMap((g) => g.members).filter((m) => { const k = `${m.tensor}:${m.axis}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

function keepSets(groups: ChannelGroup[], plan: KeepPlan): Map<number, Set<number>> {
  const keep = new Map<number, Set<number>>();
  for (const [gid, idx] of plan) {
    const grp = groups.find((x) => x.id === gid);
    if (!grp) throw new BwvmError('PRUNE_GROUP', `no dependency group ${gid}`);
    if (grp.locked && idx.length !== grp.size) throw new BwvmError('PRUNE_LOCKED', `group ${gid} (${grp.producers.join(', ')}) is locked: ${grp.lockReason}`);
    if (idx.length === 0) throw new BwvmError('PRUNE_EMPTY', `group ${gid} (${grp.producers.join(', ')}) would keep no channel`, { hint: 'keep at least one channel per group' });
    if (idx.some((i) => i < 0 || i >= grp.size)) throw new BwvmError('PRUNE_INDEX', `group ${gid}: channel index out of range 0..${grp.size - 1}`);
    keep.set(gid, new Set(idx));
  }
  return keep;
}

/** A pruned copy of g (the original is untouched). */
export function applyPruning(g: Graph, groups: ChannelGroup[], plan: KeepPlan): Graph {
  const keep = keepSets(groups, plan);
  const out = cloneGraph(g);
  for (const m of uniqueMembers(groups)) {
    const t = out.initializers.get(m.tensor)!;
    const idx = keptIndices(m, t.shape[m.axis]!, keep);
    if (idx.length !== t.shape[m.axis]) out.initializers.set(m.tensor, selectAxis(t, m.axis, idx));
  }
  // depthwise convs keep group == channels
  for (const m of uniqueMembers(groups)) {
    if (m.role !== 'dw' || m.slot !== 1) continue;
    const n = out.nodes.find((x) => x.name === m.node)!;
    n.attrs = { ...n.attrs, group: out.initializers.get(m.tensor)!.shape[0]! };
  }
  // explicit Reshape targets to 2-D ([N, features]) must follow the new feature count
  const prod = producers(out);
  for (const n of out.nodes) {
    if (n.op !== 'Reshape' || !n.inputs[1]) continue;
    const s = out.initializers.get(n.inputs[1]);
    if (s && s.data.length === 2 && prod.get(n.inputs[0]!)) {
      const first = Number(s.data[0]);
      const data = s.data instanceof BigInt64Array ? BigInt64Array.from([BigInt(first === -1 ? 0 : first), -1n]) : s.data.constructor === Int32Array ? Int32Array.from([first === -1 ? 0 : first, -1]) : s.data;
      out.initializers.set(s.name, { ...s, data });
    }
  }
  out.meta = { ...out.meta, pruned: 'true' };
  return inferShapes(out);
}

/** Same-shape copy of g with the pruned channels' consumer columns zeroed (exactly the pruned graph's function). */
export function maskedCopy(g: Graph, groups: ChannelGroup[], plan: KeepPlan): Graph {
  const keep = keepSets(groups, plan);
  const out = cloneGraph(g);
  for (const m of uniqueMembers(groups)) {
    if (m.role !== 'in') continue;
    const t = out.initializers.get(m.tensor)!;
    const dim = t.shape[m.axis]!;
    const kept = new Set(keptIndices(m, dim, keep));
    const st = strides(t.shape), inner = st[m.axis]!, outer = t.shape.slice(0, m.axis).reduce((a, b) => a * b, 1);
    const d = t.data as Float32Array;
    for (let a = 0; a < outer; a++) for (let j = 0; j < dim; j++) if (!kept.has(j)) d.fill(0, (a * dim + j) * inner, (a * dim + j + 1) * inner);
  }
  return out;
}
