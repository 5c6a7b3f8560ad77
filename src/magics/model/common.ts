// Shared pieces of the model magics: the --model flag, the per-layer summary rows (from the op
// table's cost model) and the graph picture (DOT from the IR, rendered to SVG offline).
import type { Graph } from '../../ir/types.js';
import { graphCost } from '../../ir/cost.js';
import { infoOf } from '../../ir/infer.js';
import { shapeStr } from '../../ir/shape.js';
import { toDot } from '../../ir/dot.js';
import { dotToSvg } from '../../display/graph-svg.js';
import { MIME, escapeHtml, table, type MimeBundle } from '../../display/index.js';
import type { FlagSpec } from '../types.js';

export const MODEL_FLAG: FlagSpec = { name: 'model', alias: 'm', type: 'string', help: 'model name in this session (default: the current model)' };

export interface SummaryRow {
  layer: string;
  op: string;
  output: string;
  params: number;
  flops: number;
  activationBytes: number;
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totals: { params: number; flops: number; activationBytes: number; weightBytes: number; nodes: number };
}

export function summarize(g: Graph): ModelSummary {
  const cost = graphCost(g);
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const rows = cost.nodes.map((c) => {
    const out = byName.get(c.node)!.outputs[0];
    const info = out ? infoOf(g, out) : undefined;
    return { layer: c.node, op: c.op, output: info ? shapeStr(info.shape) : '?', params: c.params, flops: c.flops, activationBytes: c.activationBytes };
  });
  return { name: g.name, rows, totals: { params: cost.params, flops: cost.flops, activationBytes: cost.activationBytes, weightBytes: cost.weightBytes, nodes: g.nodes.length } };
}

const human = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));

export function summaryTable(s: ModelSummary): MimeBundle {
  const total = { layer: 'TOTAL', op: `${s.totals.nodes} nodes`, output: '', params: s.totals.params, flops: s.totals.flops, activationBytes: s.totals.activationBytes };
  const caption = `${s.name}: ${human(s.totals.params)} params (${human(s.totals.weightBytes)}B), ${human(s.totals.flops)}FLOPs per sample`;
  return table([...s.rows, total] as unknown as Record<string, unknown>[], { caption, columns: ['layer', 'op', 'output', 'params', 'flops', 'activationBytes'], maxRows: 1000 })[MIME]();
}

/** SVG of the graph (ops colored by kind, shapes on edges). */
export async function graphSvg(g: Graph): Promise<string> {
  return dotToSvg(toDot(g));
}

/** A rich value: summary table followed by the graph picture. */
export function modelView(s: ModelSummary, svg: string | undefined): { [MIME](): MimeBundle } {
  return {
    [MIME]: () => {
      const t = summaryTable(s);
      const pic = svg ? `<details open><summary>graph</summary><div style="max-height:800px;overflow:auto">${svg}</div></details>` : '';
      return { 'text/html': `${t['text/html'] as string}${pic}`, 'text/plain': t['text/plain'] };
    },
  };
}

export { escapeHtml };
