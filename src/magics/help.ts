// Help pages of magics (for %help, `name?` and the inspect request): usage, summary,
// flags with types and defaults, positionals, details. Text and HTML from the same data.
import { escapeHtml, MimeValue } from '../display/index.js';
import { flagLabel } from './args.js';
import type { MagicSpec } from './types.js';

function rows(spec: MagicSpec): [string, string][] {
  const out: [string, string][] = [];
  for (const p of spec.positionals) out.push([p.name.toUpperCase() + (p.optional ? ' (optional)' : ''), p.help]);
  for (const f of spec.flags) {
    const value = f.type === 'boolean' ? '' : ` ${f.type.toUpperCase()}`;
    const def = f.default !== undefined ? ` (default: ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)})` : '';
    out.push([flagLabel(f) + value, f.help + def]);
  }
  return out;
}

export function helpText(spec: MagicSpec): string {
  const kind = spec.kind === 'both' ? 'line and cell magic' : `${spec.kind} magic`;
  const lines = [`%${spec.name}: ${spec.summary} (${kind})`, '', `Usage: ${spec.usage}`];
  const r = rows(spec);
  if (r.length) {
    const w = Math.max(...r.map(([a]) => a.length));
    lines.push('', 'Arguments:', ...r.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`));
  }
  if (spec.details) lines.push('', spec.details.trim());
  return lines.join('\n');
}

export function helpHtml(spec: MagicSpec): string {
  const r = rows(spec);
  const table = r.length
    ? '<table>' + r.map(([a, b]) => `<tr><td><code>${escapeHtml(a)}</code></td><td style="text-align:left">${escapeHtml(b)}</td></tr>`).join('') + '</table>'
    : '';
  const details = spec.details ? `<pre>${escapeHtml(spec.details.trim())}</pre>` : '';
  return `<div class="bwvm-help"><b>%${escapeHtml(spec.name)}</b>: ${escapeHtml(spec.summary)}<br><code>${escapeHtml(spec.usage)}</code>${table}${details}</div>`;
}

export function helpValue(spec: MagicSpec): MimeValue {
  return new MimeValue({ 'text/plain': helpText(spec), 'text/html': helpHtml(spec) });
}
