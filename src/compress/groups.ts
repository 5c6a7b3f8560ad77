// Dependency groups: the channels that must be pruned together in any graph. Every prunable
// producer (Conv with groups = 1, Gemm/MatMul with a weight initializer) starts a group of its
// output channels; channel maps are propagated forward through BN, activations, pooling,
// depthwise convs, Flatten and Concat; Add/Sub/Mul/Max merge the groups they join (residuals).
// Each group lists the weight slices that shrink with it: producer rows, BN vectors, depthwise
// filters, consumer input columns. Channels that reach a graph output or an op we cannot see
// through are locked (never pruned).
import type { Graph, Node } from '../ir/types.js';
import { topoSort } from '../ir/graph.js';
import { infoOf } from '../ir/infer.js';

/** Channel c of a value belongs to group `g`, channel `i` of that group. */
export type ChannelRef = readonly [g: number, i: number];

/** A weight slice tied to a group: index j along `axis` of `tensor` is channel map[floor(j / block)]. */
export interface Member {
  tensor: string;
  axis: number;
  map: ChannelRef[];
  block: number;
  /** 'out': the producer side (filters whose importance is measured); 'in': consumer columns; 'norm': BN vectors. */
  role: 'out' | 'in' | 'norm' | 'dw';
  node: string;
  /** Input slot of `node` the tensor feeds (BN: 1 scale, 2 bias, 3 mean, 4 var). */
  slot: number;
}

export interface ChannelGroup {
  id: number;
  size: number;
  /** Producer nodes (convs / dense layers) whose outputs form this group, in graph order. */
  producers: string[];
  members: Member[];
  /** Locked groups cannot be pruned (they reach a graph output or an opaque op). */
  locked: boolean;
  lockReason?: string;
}

const PASS = new Set(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSwish', 'HardSigmoid', 'Dropout', 'Identity', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Softmax']);
const MERGE = new Set(['Add', 'Sub', 'Mul', 'Max', 'Min', 'Div']);

class UnionFind {
  private p: number[] = [];
  add(): number { this.p.push(this.p.length); return this.p.length - 1; }
  find(x: number): number { while (this.p[x] !== x) x = this.p[x] = this.p[this.p[x]!]!; return x; }
  union(a: number, b: number): void { const ra = this.find(a), rb = this.find(b); if (ra !== rb) this.p[Math.max(ra, rb)] = Math.min(ra, rb); }
}

export function analyzeGroups(g: Graph): ChannelGroup[] {
  const uf = new UnionFind();
  const raw: { size: number; producers: string[]; members: Member[]; lock?: string }[] = [];
  const maps = new Map<string, ChannelRef[]>();
  const rank = (v: string) => infoOf(g, v)?.shape.length ?? 0;
  const channels = (v: string) => { const s = infoOf(g, v)?.shape; return s && typeof s[1] === 'number' ? s[1] : 0; };
  const newGroup = (size: number, producer: string): ChannelRef[] => {
    const id = uf.add();
    raw.push({ size, producers: [producer], members: [] });
    return Array.from({ length: size }, (_, i) => [id, i] as const);
  };
  const member = (m: ChannelRef[], mem: Omit<Member, 'map'>) => {
    const gid = m[0]?.[0];
    if (gid !== undefined) raw[gid]!.members.push({ ...mem, map: m });
  };
  const lock = (m: ChannelRef[] | undefined, why: string) => { for (const [gid] of m ?? []) raw[gid]!.lock ??= why; };
  const isInit = (n: string | undefined) => !!n && g.initializers.has(n);
  const w = (n: Node, i: number) => n.inputs[i];

  for (const n of topoSort(g)) {
    const inMap = n.inputs[0] ? maps.get(n.inputs[0]) : undefined;
    const out = n.outputs[0]!;
    const used = () => { for (const i of n.inputs) lock(i ? maps.get(i) : undefined, `${n.op} '${n.name}' cannot be pruned through`); };
    if (n.op === 'Conv' && isInit(w(n, 1))) {
      const W = g.initializers.get(w(n, 1)!)!;
      const group = (n.attrs.group as number | undefined) ?? 1;
      const cin = channels(n.inputs[0]!);
      if (group === 1) {
        if (inMap) member(inMap, { tensor: W.name, axis: 1, block: 1, role: 'in', node: n.name, slot: 1 });
        const m = newGroup(W.shape[0]!, n.name);
        member(m, { tensor: W.name, axis: 0, block: 1, role: 'out', node: n.name, slot: 1 });
        if (isInit(w(n, 2))) member(m, { tensor: w(n, 2)!, axis: 0, block: 1, role: 'out', node: n.name, slot: 2 });
        maps.set(out, m);
      } else if (group === cin && W.shape[0] === cin && inMap) {
        member(inMap, { tensor: W.name, axis: 0, block: 1, role: 'dw', node: n.name, slot: 1 });
        if (isInit(w(n, 2))) member(inMap, { tensor: w(n, 2)!, axis: 0, block: 1, role: 'dw', node: n.name, slot: 2 });
        maps.set(out, inMap);
      } else {
        used();
      }
      continue;
    }
    if ((n.op === 'Gemm' || n.op === 'MatMul') && isInit(w(n, 1)) && rank(n.inputs[0]!) === 2) {
      const W = g.initializers.get(w(n, 1)!)!;
      const tB = n.op === 'Gemm' && n.attrs.transB === 1;
      if (n.op === 'Gemm' && n.attrs.transA === 1) { used(); continue; }
      if (inMap) {
        const feats = W.shape[tB ? 1 : 0]!;
        member(inMap, { tensor: W.name, axis: tB ? 1 : 0, block: feats / inMap.length, role: 'in', node: n.name, slot: 1 });
      }
      const m = newGroup(W.shape[tB ? 0 : 1]!, n.name);
      member(m, { tensor: W.name, axis: tB ? 0 : 1, block: 1, role: 'out', node: n.name, slot: 1 });
      const C = w(n, 2);
      if (C && isInit(C) && g.initializers.get(C)!.shape.length === 1 && g.initializers.get(C)!.shape[0] === m.length) member(m, { tensor: C, axis: 0, block: 1, role: 'out', node: n.name, slot: 2 });
      else if (C && isInit(C) && g.initializers.get(C)!.shape.some((d) => d !== 1)) lock(m, `bias of '${n.name}' is not per-feature`);
      maps.set(out, m);
      continue;
    }
    if (n.op === 'BatchNormalization' && inMap) {
      for (let i = 1; i <= 4; i++) if (isInit(w(n, i))) member(inMap, { tensor: w(n, i)!, axis: 0, block: 1, role: 'norm', node: n.name, slot: i });
      maps.set(out, inMap);
      continue;
    }
    if (PASS.has(n.op) && inMap) {
      if (n.op === 'Softmax') { lock(inMap, `softmax '${n.name}'`); continue; }
      maps.set(out, inMap);
      continue;
    }
    if ((n.op === 'Flatten' || n.op === 'Reshape') && inMap && rank(out) === 2) {
      const axis = (n.attrs.axis as number | undefined) ?? 1;
      if (n.op === 'Flatten' && axis !== 1) { used(); continue; }
      maps.set(out, inMap);
      continue;
    }
    if (MERGE.has(n.op)) {
      const ins = n.inputs.filter((i) => i && !isInit(i));
      const ms = ins.map((i) => maps.get(i));
      const consts = n.inputs.filter((i) => isInit(i));
      if (ms.some((m) => !m) || consts.some((c) => g.initializers.get(c)!.data.length !== 1) || ms.some((m) => m!.length !== ms[0]!.length)) { used(); continue; }
      for (let k = 1; k < ms.length; k++) {
        ms[0]!.forEach(([ga, ia], c) => { const [gb, ib] = ms[k]![c]!; if (ia !== ib) raw[ga]!.lock = raw[gb]!.lock = `unaligned channels at '${n.name}'`; uf.union(ga, gb); });
      }
      maps.set(out, ms[0]!);
      continue;
    }
    if (n.op === 'Concat' && ((n.attrs.axis as number) === 1 || (n.attrs.axis as number) === -rank(out) + 1)) {
      // inputs we know nothing about become fixed (locked) channel ranges of the output
      const ms = n.inputs.map((i) => maps.get(i) ?? (() => { const m = newGroup(channels(i), `${n.name}:${i}`); lock(m, `fixed input '${i}' of concat '${n.name}'`); return m; })());
      maps.set(out, ms.flat());
      continue;
    }
    if (n.op === 'Pad' && inMap) {
      const pads = n.inputs[1] && isInit(n.inputs[1]) ? Array.from(g.initializers.get(n.inputs[1])!.data, Number) : (n.attrs.pads as number[] | undefined);
      const r = rank(out);
      if (pads && pads.length === 2 * r && pads[1] === 0 && pads[r + 1] === 0) { maps.set(out, inMap); continue; }
      used();
      continue;
    }
    used();
  }
  for (const o of g.outputs) lock(maps.get(o.name), `reaches graph output '${o.name}'`);

  // merge groups joined by residual adds
  const byRoot = new Map<number, ChannelGroup>();
  raw.forEach((r, gid) => {
    const root = uf.find(gid);
    let cg = byRoot.get(root);
    if (!cg) byRoot.set(root, (cg = { id: root, size: r.size, producers: [], members: [], locked: false }));
    cg.producers.push(...r.producers);
    if (r.lock && !cg.locked) { cg.locked = true; cg.lockReason = r.lock; }
  });
  // members reference their own group ids; re-key every ChannelRef to its root
  raw.forEach((r) => {
    for (const m of r.members) {
      const rooted = m.map.map(([gid, i]) => [uf.find(gid), i] as const);
      byRoot.get(rooted[0]![0])!.members.push({ ...m, map: rooted });
    }
  });
  // a member whose map spans several groups (Concat consumers) is listed in each of them once
  const groups = [...byRoot.values()];
  for (const cg of groups) {
    const seen = new Set<string>();
    cg.members = cg.members.filter((m) => { const k = `${m.tensor}:${m.axis}:${m.node}`; if (seen.has(k)) return false; seen.add(k); return true; });
  }
  return groups.sort((a, b) => a.id - b.id);
}
