// Value lifetimes over a node order: the index of the last node reading each value, so
// executors free activation buffers right after their last use.
import type { Node } from '../../ir/types.js';

/** value name -> index (in `order`) of the last node that reads it. */
export function lastUses(order: Node[]): Map<string, number> {
  const last = new Map<string, number>();
  order.forEach((n, i) => { for (const v of n.inputs) if (v) last.set(v, i); });
  return last;
}

/** For each node index, the values whose last use is that node. */
export function releaseSchedule(order: Node[], keep: Set<string>): string[][] {
  const last = lastUses(order);
  const out: string[][] = order.map(() => []);
  for (const [v, i] of last) if (!keep.has(v)) out[i]!.push(v);
  // values produced but never read die right after their producer
  order.forEach((n, i) => { for (const o of n.outputs) if (o && !last.has(o) && !keep.has(o)) out[i]!.push(o); });
  return out;
}
