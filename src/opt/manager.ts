// The pass manager: runs a pipeline on a copy of the graph, recording per pass its wall time,
// node counts before/after, whether it changed the graph and its notes (the pass log), with
// instruments called around every pass. Fusion groups naming removed nodes are pruned.
import { cloneGraph } from '../ir/graph.js';
import type { Graph } from '../ir/types.js';
import { pruneFusion } from './fusion.js';
import type { Instrument } from './instruments.js';
import type { Pass, PassContext } from './pass.js';
import { resolvePipeline } from './pipelines.js';

export interface PassLogEntry {
  pass: string;
  ms: number;
  nodesBefore: number;
  nodesAfter: number;
  changed: boolean;
  notes: string[];
}

export interface OptimizeOptions {
  instruments?: Instrument[];
  /** Preferred activation layout for the layout pass. */
  layout?: string;
  /** Optimize in place instead of on a copy. */
  inPlace?: boolean;
}

export interface OptimizeResult {
  graph: Graph;
  log: PassLogEntry[];
}

export function runPasses(g0: Graph, passes: readonly Pass[], o: OptimizeOptions = {}): OptimizeResult {
  const g = o.inPlace ? g0 : cloneGraph(g0);
  const inst = o.instruments ?? [];
  for (const i of inst) i.start?.(g);
  const log: PassLogEntry[] = [];
  for (const p of passes) {
    const ctx: PassContext = { notes: [], ...(o.layout ? { layout: o.layout } : {}) };
    const nodesBefore = g.nodes.length;
    const t0 = performance.now();
    const changed = p.run(g, ctx);
    pruneFusion(g);
    const ms = performance.now() - t0;
    log.push({ pass: p.name, ms, nodesBefore, nodesAfter: g.nodes.length, changed, notes: ctx.notes });
    for (const i of inst) i.after?.(p, g, changed);
  }
  return { graph: g, log };
}

/** Optimize with a level ('O0' | 'O1' | 'O2', '-O2' accepted) or an explicit list of pass names. */
export function optimize(g: Graph, pipeline: string | readonly string[] = 'O2', o: OptimizeOptions = {}): OptimizeResult {
  return runPasses(g, resolvePipeline(pipeline), o);
}
