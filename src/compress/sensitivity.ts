// Sensitivity analysis: for each prunable dependency group and each keep ratio, prune only that
// group (most important channels kept), recalibrate batch norm, optionally fine-tune briefly
// (recoverability rather than immediate loss; the unpruned base gets the same fine-tune), and
// measure accuracy and loss on a validation split. Interruptible: the points finished so far are
// kept (and can be resumed).
import type { Graph } from '../ir/types.js';
import type { ChannelGroup } from './groups.js';
import { applyPruning } from './prune.js';
import { cloneGraph } from '../ir/graph.js';
import { topChannels } from './criteria.js';

export interface Metrics { accuracy: number; loss: number }
export interface SensitivityPoint extends Metrics { keep: number; channels: number }
export interface SensitivityCurve { group: number; layer: string; size: number; points: SensitivityPoint[] }
export interface SensitivityResult {
  model: string;
  criterion: string;
  base: Metrics;
  keeps: number[];
  curves: SensitivityCurve[];
  complete: boolean;
  /** What `recover` did at each point (e.g. '30 SGD steps'), when it was given. */
  recovery?: string;
}

export interface SensitivityOptions {
  /** Keep ratios to measure (fractions of each group's channels), e.g. 0.1..0.9. */
  keeps: number[];
  criterion: string;
  scores: Map<number, Float64Array>;
  evaluate(g: Graph): Promise<Metrics>;
  /** Recalibrate BN of a pruned graph (in place). */
  recalibrate?(g: Graph): void | Promise<void>;
  /** A short fine-tune of a pruned graph (in place) before it is measured; `recovery` names it. */
  recover?(g: Graph): void | Promise<void>;
  recovery?: string;
  signal?: AbortSignal;
  onPoint?(curve: SensitivityCurve, point: SensitivityPoint, done: number, total: number): void;
  /** A previous (partial) result to continue. */
  resume?: SensitivityResult;
}

export const channelsFor = (size: number, keep: number): number => Math.max(1, Math.min(size, Math.round(size * keep)));

export async function sensitivity(g: Graph, groups: ChannelGroup[], o: SensitivityOptions): Promise<SensitivityResult> {
  const open = groups.filter((x) => !x.locked);
  const recovery = o.recover ? o.recovery ?? 'fine-tuned' : undefined;
  const measureBase = async () => {
    if (!o.recover) return o.evaluate(g);
    const c = cloneGraph(g);
    await o.recover(c);
    return o.evaluate(c);
  };
  const res: SensitivityResult = o.resume && o.resume.criterion === o.criterion && o.resume.keeps.join() === o.keeps.join() && o.resume.recovery === recovery
    ? o.resume
    : { model: g.name, criterion: o.criterion, base: await measureBase(), keeps: [...o.keeps], curves: [], complete: false, ...(recovery ? { recovery } : {}) };
  const total = open.length * o.keeps.length;
  let done = res.curves.reduce((a, c) => a + c.points.length, 0);
  for (const grp of open) {
    let curve = res.curves.find((c) => c.group === grp.id);
    if (!curve) res.curves.push((curve = { group: grp.id, layer: grp.producers[0]!, size: grp.size, points: [] }));
    for (const keep of o.keeps) {
      if (curve.points.some((p) => p.keep === keep)) continue;
      if (o.signal?.aborted) return res;
      const k = channelsFor(grp.size, keep);
      const pruned = applyPruning(g, groups, new Map([[grp.id, topChannels(o.scores.get(grp.id)!, k)]]));
      let m: Metrics;
      try {
        await o.recalibrate?.(pruned);
        await o.recover?.(pruned);
        m = await o.evaluate(pruned);
      } catch (e) {
        if (o.signal?.aborted) return res; // an interrupt mid-point: keep what is finished
        throw e;
      }
      const point = { keep, channels: k, ...m };
      curve.points.push(point);
      done++;
      o.onPoint?.(curve, point, done, total);
    }
  }
  res.complete = true;
  return res;
}
