// The tiling plan shown to users: one row per weight-carrying layer (tile = output rows x output
// channels per group, placement of its weights, where its input -> output activations live (DDR
// for banded layers: tile rows = the row band height, tiles = bands), DDR words in/out, on-chip
// buffers) and a total row.
import type { TilingPlan } from './plan.js';

export interface PlanTable { columns: string[]; rows: string[][] }

/** Per-layer table of a tiling plan (strings, ready for the display table or a text listing). */
export function planTable(p: TilingPlan): PlanTable {
  const columns = ['layer', 'tile (rows x channels)', 'tiles', 'weights', 'activations', 'DDR words in', 'DDR words out', 'buffers'];
  const rows = p.layers.map((l) => {
    const buffers = l.bands !== undefined ? `row bands of ${l.rows}${l.bands > 1 ? ' (ping/pong DMA)' : ''}` : l.placement === 'ddr' ? `2 x ${l.tileWords} words (ping/pong)` : 'resident';
    return [l.layer, `${l.rows ?? 1} x ${l.MG}${l.MG < l.M ? ` of ${l.M}` : ''}`, String(l.bands ?? l.tiles), l.placement === 'ddr' ? 'DDR' : 'on-chip',
      l.activations ?? 'on-chip', String(l.ddrIn), String(l.ddrOut), buffers];
  });
  const bands = p.layers.reduce((a, l) => a + (l.bands ?? 0), 0);
  rows.push(['(total)', '', String(p.tiles + bands), `${p.residentWords} words resident`, bands ? `banded layers: ${p.layers.filter((l) => l.bands !== undefined).length}` : 'on-chip',
    String(p.ddrIn), String(p.ddrOut), p.stagingWords ? `2 x ${p.stagingWords} words staging` : 'no staging']);
  return { columns, rows };
}

/** The same table as plain text (CLI `--plan`, asm header). */
export function planText(p: TilingPlan): string {
  const t = planTable(p);
  const all = [t.columns, ...t.rows];
  const w = t.columns.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const line = (r: string[]): string => r.map((c, j) => c.padEnd(w[j]!)).join('  ').trimEnd();
  return [`tiling plan: ${Number.isFinite(p.capacityWords) ? `${p.capacityWords} on-chip words for weights` : 'weights on-chip'}; ${p.ddrIn} DDR words in, ${p.ddrOut} out per inference`, line(t.columns), ...t.rows.map(line)].join('\n');
}
