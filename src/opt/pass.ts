// The pass contract: a named, described graph rewrite that mutates the graph in place and says
// whether it changed anything. The context carries pipeline options passes may read.
import type { Graph } from '../ir/types.js';

export interface PassContext {
  /** Preferred activation layout of the target (read by the layout pass). Default 'NCHW'. */
  layout?: string;
  /** Free-form notes a pass may leave for the log (e.g. "folded 3 BatchNorms"). */
  notes: string[];
}

export interface Pass {
  name: string;
  description: string;
  /** Rewrite `graph` in place; return true when it changed. */
  run(graph: Graph, ctx: PassContext): boolean;
}
