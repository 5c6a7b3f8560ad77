// Editor requests on cells with magics: complete (magic names after % / %%, flags after - / --),
// inspect (magic help), is_complete. Everything else goes to the Repl on the cell with its magic
// lines blanked out (same offsets), so TypeScript around magics still completes.
import type { CompleteResult, InspectResult, IsCompleteResult } from '../jupyter/executor-api.js';
import type { Repl } from '../repl/api.js';
import { helpValue } from './help.js';
import { parseCell } from './parser.js';
import type { MagicRegistry } from './registry.js';

const blank = (s: string): string => s.replace(/[^\n]/g, ' ');

/** The cell with magic/help lines replaced by spaces (TS bodies of tsBody cell magics kept). */
export function maskMagics(code: string, registry: MagicRegistry): string {
  let segs;
  try {
    segs = parseCell(code);
  } catch {
    return code.split('\n').map((l) => (/^\s*%/.test(l) ? blank(l) : l)).join('\n');
  }
  let out = code;
  const put = (a: number, b: number, keepFrom?: number): void => {
    const end = keepFrom ?? b;
    out = out.slice(0, a) + blank(out.slice(a, end)) + out.slice(end);
  };
  for (const s of segs) {
    if (s.kind === 'code') continue;
    if (s.kind === 'help') put(s.start, s.end);
    else {
      const spec = registry.get(s.name);
      if (s.cell) put(s.start, s.end, spec?.tsBody ? s.bodyStart : undefined);
      else if (spec?.tsBody && !/^\s*-/.test(s.args)) put(s.start, s.start + code.slice(s.start).indexOf(s.name) + s.name.length);
      else put(s.start, s.end);
    }
  }
  return out;
}

export async function completeCell(code: string, cursor: number, registry: MagicRegistry, repl: Repl): Promise<CompleteResult> {
  const lineStart = code.lastIndexOf('\n', cursor - 1) + 1;
  const before = code.slice(lineStart, cursor);
  const name = /^(\s*)(%{1,2})(\w*)$/.exec(before);
  if (name) {
    const pct = name[2]!;
    const matches = registry.names(pct.length === 2 ? 'cell' : 'line').filter((n) => n.startsWith(name[3]!)).map((n) => pct + n);
    return { matches, cursor_start: lineStart + name[1]!.length, cursor_end: cursor, metadata: {} };
  }
  const helpArg = /^\s*%help\s+(%{0,2})(\w*)$/.exec(before);
  if (helpArg) {
    const matches = registry.names().filter((n) => n.startsWith(helpArg[2]!)).map((n) => helpArg[1] + n);
    return { matches, cursor_start: cursor - helpArg[1]!.length - helpArg[2]!.length, cursor_end: cursor, metadata: {} };
  }
  const flag = /^\s*%{1,2}(\w+)\s(?:.*\s)?(-{1,2}[\w-]*)$/.exec(before);
  const spec = flag ? registry.get(flag[1]!) : undefined;
  if (flag && spec) {
    const tok = flag[2]!;
    const all = spec.flags.flatMap((f) => [`--${f.name}`, ...(f.alias && !tok.startsWith('--') ? [`-${f.alias}`] : [])]);
    const matches = all.filter((f) => f.startsWith(tok));
    return { matches, cursor_start: cursor - tok.length, cursor_end: cursor, metadata: {} };
  }
  return repl.complete(maskMagics(code, registry), cursor);
}

export async function inspectCell(code: string, cursor: number, detail: number, registry: MagicRegistry, repl: Repl): Promise<InspectResult> {
  const lineStart = code.lastIndexOf('\n', cursor - 1) + 1;
  const lineEnd = code.indexOf('\n', cursor) < 0 ? code.length : code.indexOf('\n', cursor);
  const line = code.slice(lineStart, lineEnd);
  const col = cursor - lineStart;
  const m = /^(\s*%{1,2})(\w+)/.exec(line);
  if (m && col <= m[0].length) {
    const spec = registry.get(m[2]!);
    if (!spec) return { found: false, data: {}, metadata: {} };
    return { found: true, data: { ...helpValue(spec).data }, metadata: {} };
  }
  const r = await repl.inspect(maskMagics(code, registry), cursor, detail);
  if (r.found) return r;
  // a bare magic name (`timeit` without %) that is not a TypeScript name
  const word = (/\w*$/.exec(line.slice(0, col))![0] + /^\w*/.exec(line.slice(col))![0]);
  const spec = registry.get(word);
  return spec ? { found: true, data: { ...helpValue(spec).data }, metadata: {} } : r;
}

export function isCellComplete(code: string, registry: MagicRegistry, repl: Repl): IsCompleteResult {
  let segs;
  try {
    segs = parseCell(code);
  } catch {
    return { status: 'invalid' };
  }
  const first = segs[0];
  if (first?.kind === 'magic' && first.cell) {
    // like IPython: a cell magic is finished by an empty last line
    return /\n[ \t]*$/.test(code) ? { status: 'complete' } : { status: 'incomplete', indent: '' };
  }
  const masked = maskMagics(code, registry);
  if (masked.trim() === '') return { status: 'complete' };
  return repl.isComplete(masked);
}
