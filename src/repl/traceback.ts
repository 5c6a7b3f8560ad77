// Turns what a cell threw into a CellError whose traceback speaks in cell lines: frames in the
// running cell read `cell line N`, frames in earlier cells `cell #K line N`, and the REPL's own
// and Node's internal frames are trimmed. Also formats syntax errors with a caret excerpt.
import { inspect, types } from 'node:util';
import { CellError } from './api.js';

/** Script file name of the k-th evaluated chunk (what V8 prints in stack frames). */
export const cellFileName = (seq: number) => `bwvm-cell-${seq}`;
const FRAME_RE = /bwvm-cell-(\d+):(\d+)(?::(\d+))?/;

export interface CellSource {
  seq: number;
  code: string;
  /** 0-based line of the cell where this chunk starts. */
  lineOffset: number;
}

/** `  3 | code` lines around a 0-based chunk line, with a caret under column `col` if given. */
export function excerpt(src: CellSource, line: number, col?: number): string[] {
  const lines = src.code.split('\n');
  const out: string[] = [];
  const width = String(line + src.lineOffset + 2).length;
  for (let l = Math.max(0, line - 1); l <= Math.min(lines.length - 1, line + 1); l++) {
    const mark = l === line ? '>' : ' ';
    out.push(`${mark} ${String(l + src.lineOffset + 1).padStart(width)} | ${lines[l]}`);
    if (l === line && col !== undefined) out.push(`  ${' '.repeat(width)} | ${' '.repeat(col)}^`);
  }
  return out;
}

export function syntaxError(src: CellSource, pos: number, message: string): CellError {
  const before = src.code.slice(0, pos).split('\n');
  const line = before.length - 1;
  const col = before[before.length - 1]!.length;
  const where = `cell line ${line + src.lineOffset + 1}`;
  return new CellError('SyntaxError', `${message} (${where})`, [`SyntaxError: ${message}`, `  at ${where}`, ...excerpt(src, line, col)]);
}

export function keyboardInterrupt(detail = 'execution was interrupted; the state of the REPL is kept'): CellError {
  return new CellError('KeyboardInterrupt', detail, [`KeyboardInterrupt: ${detail}`]);
}

function isErrorLike(e: unknown): e is Error {
  return types.isNativeError(e) || (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string' && typeof (e as Error).stack === 'string');
}

/** Map any thrown value to a CellError; `sources` knows every chunk evaluated so far by seq. */
export function runtimeError(err: unknown, current: CellSource, sources: (seq: number) => CellSource | undefined): CellError {
  if (err instanceof CellError) return err;
  if ((err as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') return keyboardInterrupt();
  if (!isErrorLike(err)) {
    const shown = inspect(err, { depth: 2 });
    return new CellError('Error', `Uncaught ${shown}`, [`Uncaught ${shown}`, '  (a non-Error value was thrown, so there is no stack trace)']);
  }
  const name = err.name || err.constructor?.name || 'Error';
  const stack = err.stack ?? '';
  // V8 syntax errors from compiling the script start with "file:line\n code\n ^^^".
  const head = stack.match(/^bwvm-cell-(\d+):(\d+)\n/);
  if (head && name === 'SyntaxError') {
    const line = Number(head[2]) - 1;
    return new CellError(name, `${err.message} (cell line ${line + current.lineOffset + 1})`,
      [`${name}: ${err.message}`, `  at cell line ${line + current.lineOffset + 1}`, ...excerpt(current, line)]);
  }
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  let lastCell = -1;
  frames.forEach((f, i) => { if (FRAME_RE.test(f)) lastCell = i; });
  const kept = (lastCell >= 0 ? frames.slice(0, lastCell + 1) : frames)
    .filter((f) => !/\(node:internal|at node:internal|[/\\]repl[/\\][\w-]+\.[jt]s/.test(f))
    .filter((f) => !isWrapperFrame(f, sources));
  let first: { src: CellSource; line: number; col: number } | undefined;
  const shown = kept.map((f) => {
    const m = f.match(FRAME_RE);
    if (!m) return f;
    const src = sources(Number(m[1]));
    const line = Number(m[2]) - 1;
    const label = src && src.seq === current.seq ? 'cell' : `cell #${m[1]}`;
    if (src && !first) first = { src, line, col: Number(m[3] ?? 1) - 1 };
    const cellLine = line + (src?.lineOffset ?? 0) + 1;
    return f.replace(/\(?bwvm-cell-\d+:\d+(?::\d+)?\)?$/, (s) => (s.startsWith('(') ? `(${label} line ${cellLine})` : `${label} line ${cellLine}`))
      .replace(/ \(?<anonymous>\)?(?= \()/, '');
  });
  const message = err.message ?? '';
  const tb = [`${name}: ${message}`, ...shown];
  if (first) tb.push('', ...excerpt(first.src, first.line));
  return new CellError(name, message, tb);
}

/** A frame on a line past the end of its chunk: the async wrapper's own call, not user code. */
function isWrapperFrame(frame: string, sources: (seq: number) => CellSource | undefined): boolean {
  const m = frame.match(FRAME_RE);
  const src = m ? sources(Number(m[1])) : undefined;
  return !!src && Number(m![2]) > src.code.split('\n').length;
}
