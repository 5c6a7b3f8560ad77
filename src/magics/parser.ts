// Splits a cell into segments: TypeScript chunks, `%name args` line magics (one per line), a
// `%%name args` first line making the whole cell a cell magic, and help requests (`name?`,
// `%name?`, `?name`, `name??`). Purely syntactic: the registry decides what names mean.
// Limitation: a line starting with `%` inside a multi-line string or comment is still a magic.
import { BwvmError } from '../util/errors.js';

interface Base {
  /** 0-based cell line where the segment starts. */
  line: number;
  /** Character offsets of the segment in the cell [start, end). */
  start: number;
  end: number;
}

export interface CodeSegment extends Base {
  kind: 'code';
  code: string;
}

export interface MagicSegment extends Base {
  kind: 'magic';
  name: string;
  args: string;
  /** True for `%%name` (the rest of the cell is `body`). */
  cell: boolean;
  body?: string;
  /** 0-based cell line where the body starts. */
  bodyLine?: number;
  /** Offset in the cell where the body starts. */
  bodyStart?: number;
}

export interface HelpSegment extends Base {
  kind: 'help';
  /** Name without % and ? marks. */
  name: string;
  /** Written with a % prefix (so it must be a magic). */
  magic: boolean;
  /** 1 for `?`, 2 for `??`. */
  detail: 1 | 2;
}

export type Segment = CodeSegment | MagicSegment | HelpSegment;

const HELP_RE = /^\s*(\?{1,2})?(%{0,2})([A-Za-z_$][\w$.]*)(\?{1,2})?\s*$/;
const LINE_MAGIC_RE = /^\s*%([A-Za-z_]\w*)(?:\s+([\s\S]*))?$/;
const CELL_MAGIC_RE = /^\s*%%([A-Za-z_]\w*)(?:\s+([\s\S]*))?$/;

/** A help request on one line, or undefined. */
export function parseHelpLine(text: string): { name: string; magic: boolean; detail: 1 | 2 } | undefined {
  const m = HELP_RE.exec(text);
  if (!m || (!m[1] && !m[4])) return undefined;
  if (m[1] && m[4]) return undefined; // `?x?` is not a thing
  const marks = (m[1] ?? m[4])!;
  return { name: m[3]!, magic: m[2]!.length > 0, detail: marks.length === 2 ? 2 : 1 };
}

/** True for a line that is a magic or help line rather than TypeScript. */
export function isMagicLine(text: string): boolean {
  return LINE_MAGIC_RE.test(text) || CELL_MAGIC_RE.test(text) || parseHelpLine(text) !== undefined;
}

export function parseCell(code: string): Segment[] {
  const lines = code.split('\n');
  const starts: number[] = [];
  let off = 0;
  for (const l of lines) {
    starts.push(off);
    off += l.length + 1;
  }
  const endOf = (i: number): number => starts[i]! + lines[i]!.length;

  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0) {
    const m = CELL_MAGIC_RE.exec(lines[first]!);
    if (m && parseHelpLine(lines[first]!) === undefined) {
      const bodyStart = first + 1 < lines.length ? starts[first + 1]! : code.length;
      return [{
        kind: 'magic', name: m[1]!, args: (m[2] ?? '').trim(), cell: true,
        body: lines.slice(first + 1).join('\n'), bodyLine: first + 1, bodyStart,
        line: first, start: starts[first]!, end: code.length,
      }];
    }
  }

  const segs: Segment[] = [];
  let chunkFrom = -1;
  const flush = (to: number): void => {
    if (chunkFrom < 0) return;
    let a = chunkFrom;
    while (a < to && lines[a]!.trim() === '') a++;
    if (a < to) {
      const text = lines.slice(a, to).join('\n');
      segs.push({ kind: 'code', code: text, line: a, start: starts[a]!, end: endOf(to - 1) });
    }
    chunkFrom = -1;
  };
  lines.forEach((text, i) => {
    const help = parseHelpLine(text);
    if (help) {
      flush(i);
      segs.push({ kind: 'help', ...help, line: i, start: starts[i]!, end: endOf(i) });
      return;
    }
    const cm = CELL_MAGIC_RE.exec(text);
    if (cm) {
      throw new BwvmError('magic-cell-not-first', `line ${i + 1}: %%${cm[1]} is a cell magic and must be the first line of the cell`, {
        hint: `move it to the top of its own cell, or use the line form %${cm[1]}`,
      });
    }
    const m = LINE_MAGIC_RE.exec(text);
    if (m) {
      flush(i);
      segs.push({ kind: 'magic', name: m[1]!, args: (m[2] ?? '').trim(), cell: false, line: i, start: starts[i]!, end: endOf(i) });
      return;
    }
    if (chunkFrom < 0) chunkFrom = i;
  });
  flush(lines.length);
  return segs;
}
