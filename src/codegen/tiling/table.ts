// The tiling plan shown to users: one row per weight-carrying layer (tile = output rows x output
// channels per group, placement of its weights, DDR words in/out, on-chip buffers) and a total row.
import type { TilingPlan } from './plan.js';

export interface PlanTable { columns: string[]; rows: string[][] }

/** Per-layer table of a tiling plan (strings, ready for the display table or a text listing). */
export function planTable(p: TilingPlan): PlanTable {
  const columns = ['layer', 'tile (rows x channels)', 'tiles', 'weights', 'DDR words in', 'DDR words out', 'buffers'];
  const rows = p.layers.map((l) => {
    return [l.layer, `${l.rows ?? 1} x ${l.MG}${l.MG < l.M ? ` of ${l.M}` : ''}`, String(l.tiles), l.placement === 'ddr' ? 'DDR' : 'on-chip',
      String(l.ddrIn), String(l.ddrOut), l.placement === 'ddr' ? `2 x ${l.tileWords} words (ping/pong)` : 'resident'];
  });
  rows.push(['(total)', '', String(p.tiles), `${p.residentWords} words resident`, String(p.ddrIn), String(p.ddrOut),
    p.stagingWords ? `2 x ${p.stagingWords} words staging` : 'no staging']);
  return { columns, rows };
}

/** The same table as plain text (CLI `--plan`, asm header). */
export function planText(p: TilingPlan): string {
  const t = planTable(p);
  const all = [t.columns, ...t.rows];
  const w = t.columns.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const line = (r: string[]): string => r.map((c, j) => c.padEnd(w[j]!)).join('  ').trimEnd();
  return [`tiling plan: ${p.capacityWords} on-chip words for weights; ${p.ddrIn} DDR words in, ${p.ddrOut} out per inference`, line(t.columns), ...t.rows.map(line)].join('\n');
}
