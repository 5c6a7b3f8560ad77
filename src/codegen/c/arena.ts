// The static arena of the C backend: storage roots (views alias their input, fused
// intermediates need none), one lifetime interval per root over the emission units, placed by
// src/memory's greedy planner; the lower bound of the same intervals is reported beside it.
import type { Graph } from '../../ir/types.js';
import { infoOf } from '../../ir/infer.js';
import { greedyPlan, lowerBound, type Interval, type Plan } from '../../memory/index.js';
import type { Unit } from './schedule.js';
import { C_EMITTERS } from './table.js';

export interface ArenaPlan {
  plan: Plan;
  lowerBound: number;
  /** value -> the value whose storage it uses (itself for roots). */
  root: Map<string, string>;
  /** root value -> byte offset in the arena (graph inputs and initializers are not in it). */
  offset: Map<string, number>;
  /** root value -> index k of the graph output it is written to directly (out<k>, no arena, no copy). */
  direct: Map<string, number>;
}

const bytesOf = (g: Graph, v: string): number => 4 * (infoOf(g, v)?.shape ?? []).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);

export function planArena(g: Graph, units: readonly Unit[], alignment = 16): ArenaPlan {
  const root = new Map<string, string>();
  const rootOf = (v: string): string => root.get(v) ?? v;
  const iv = new Map<string, Interval>();
  units.forEach((u, t) => {
    const reads = [u.node, ...u.epilogue.map((e) => e.node)].flatMap((n) => n.inputs).filter((i) => i && iv.has(rootOf(i)));
    for (const r of reads) { const x = iv.get(rootOf(r))!; x.last = Math.max(x.last, t); x.uses = (x.uses ?? 0) + 1; }
    if (C_EMITTERS.get(u.node.op)?.alias) { root.set(u.out, rootOf(u.node.inputs[0]!)); return; }
    const outs = C_EMITTERS.get(u.node.op)?.multiOutput ? u.node.outputs.filter(Boolean) : [u.out];
    for (const o of outs) iv.set(o, { id: o, size: bytesOf(g, o), first: t, last: t, uses: 0 });
  });
  const end = Math.max(0, units.length - 1);
  // a computed root that backs exactly one graph output is written straight into that output
  const direct = new Map<string, number>();
  const claims = new Map<string, number>();
  for (const o of g.outputs) claims.set(rootOf(o.name), (claims.get(rootOf(o.name)) ?? 0) + 1);
  g.outputs.forEach((o, k) => { const r = rootOf(o.name); if (iv.has(r) && claims.get(r) === 1) direct.set(r, k); });
  for (const o of g.outputs) { const x = iv.get(rootOf(o.name)); if (x) x.last = end; }
  const xs = [...iv.values()].filter((x) => !direct.has(x.id));
  const plan = greedyPlan(xs, { alignment });
  return { plan, lowerBound: lowerBound(xs, alignment), root, offset: new Map(plan.placements.map((p) => [p.id, p.offset])), direct };
}
