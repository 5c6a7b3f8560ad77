// Tables: an array of records or {columns, rows} -> text/html table with an aligned
// text/plain fallback. Numbers are right-aligned and printed with 4 significant decimals.
import { escapeHtml, MimeValue } from './mime.js';

export interface TableData {
  columns: string[];
  rows: unknown[][];
}

export interface TableOptions {
  caption?: string;
  /** Rows shown before "... N more rows" (default 200). */
  maxRows?: number;
  /** Column order / subset for an array of records. */
  columns?: string[];
}

/** Normalizes an array of records or {columns, rows} into columns + rows. */
export function toTableData(input: readonly Record<string, unknown>[] | TableData, columns?: string[]): TableData {
  if (!Array.isArray(input)) {
    const t = input as TableData;
    return { columns: [...t.columns], rows: t.rows.map((r) => [...r]) };
  }
  const recs = input as readonly Record<string, unknown>[];
  const cols = columns ?? [...new Set(recs.flatMap((r) => Object.keys(r)))];
  return { columns: cols, rows: recs.map((r) => cols.map((c) => r[c])) };
}

export function formatCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a >= 1e-3 && a < 1e9 ? String(Number(v.toFixed(4))) : v.toExponential(3);
  }
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatCell).join(', ')}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const isNum = (v: unknown): boolean => typeof v === 'number' || typeof v === 'bigint';

/** Aligned text rendering (numbers right-aligned, others left). */
export function tableText(t: TableData, opts: TableOptions = {}): string {
  const max = opts.maxRows ?? 200;
  const shown = t.rows.slice(0, max);
  const cells = shown.map((r) => t.columns.map((_, i) => formatCell(r[i])));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = t.columns.map((_, i) => shown.length > 0 && shown.every((r) => r[i] === undefined || r[i] === null || isNum(r[i])));
  const pad = (s: string, i: number): string => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const lines: string[] = [];
  if (opts.caption) lines.push(opts.caption);
  lines.push(t.columns.map(pad).join('  ').trimEnd());
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) lines.push(r.map(pad).join('  ').trimEnd());
  if (t.rows.length > max) lines.push(`... ${t.rows.length - max} more rows`);
  return lines.join('\n');
}

export function tableHtml(t: TableData, opts: TableOptions = {}): string {
  const max = opts.maxRows ?? 200;
  const shown = t.rows.slice(0, max);
  const out: string[] = ['<table class="bwvm-table">'];
  if (opts.caption) out.push(`<caption>${escapeHtml(opts.caption)}</caption>`);
  out.push('<thead><tr>' + t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('') + '</tr></thead><tbody>');
  for (const r of shown) {
    out.push('<tr>' + t.columns.map((_, i) => {
      const style = isNum(r[i]) ? ' style="text-align:right"' : '';
      return `<td${style}>${escapeHtml(formatCell(r[i]))}</td>`;
    }).join('') + '</tr>');
  }
  out.push('</tbody></table>');
  if (t.rows.length > max) out.push(`<p><i>... ${t.rows.length - max} more rows</i></p>`);
  return out.join('\n');
}

/** A displayable table. */
export function table(input: readonly Record<string, unknown>[] | TableData, opts: TableOptions = {}): MimeValue {
  const t = toTableData(input, opts.columns);
  return new MimeValue({ 'text/html': tableHtml(t, opts), 'text/plain': tableText(t, opts) });
}
