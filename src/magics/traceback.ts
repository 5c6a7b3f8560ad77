// Turns anything a cell throws into Jupyter's error triple (ename, evalue, traceback): CellError
// from the Repl as is, BwvmError with its code and hint, interrupts, and plain JS errors; plus the
// cell location (which magic, which line) when the error came from a magic.
import { CellError } from '../repl/api.js';
import { BwvmError } from '../util/errors.js';
import { KeyboardInterrupt } from './interrupt.js';

export interface ErrorTriple {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Where in the cell a failure happened, e.g. "%timeit (cell line 3)". */
export interface CellLocation {
  what: string;
  /** 0-based cell line. */
  line: number;
}

/** An error wrapped with the segment it came from. */
export class SegmentError extends Error {
  constructor(override readonly cause: unknown, readonly where: CellLocation) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'SegmentError';
  }
}

function stackFrames(e: Error): string[] {
  return (e.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .filter((l) => !/node:internal|node_modules[\\/](vitest|@vitest|tinypool)/.test(l))
    .slice(0, 12);
}

export function errorTriple(err: unknown): ErrorTriple {
  let e = err;
  let where: CellLocation | undefined;
  if (e instanceof SegmentError) {
    where = e.where;
    e = e.cause;
  }
  const at = where ? [`  at ${where.what} (cell line ${where.line + 1})`] : [];
  if (e instanceof CellError) return { ename: e.ename, evalue: e.evalue, traceback: [...e.traceback] };
  if (e instanceof KeyboardInterrupt) {
    return { ename: 'KeyboardInterrupt', evalue: e.message, traceback: [`KeyboardInterrupt: ${e.message}`, ...at] };
  }
  if (e instanceof BwvmError) {
    const evalue = e.hint ? e.message.slice(0, e.message.lastIndexOf('\n  hint: ')) : e.message;
    const tb = [`BwvmError [${e.code}]: ${evalue}`];
    if (e.hint) tb.push(`  hint: ${e.hint}`);
    return { ename: 'BwvmError', evalue, traceback: [...tb, ...at] };
  }
  if (e instanceof Error) {
    return { ename: e.name || 'Error', evalue: e.message, traceback: [`${e.name || 'Error'}: ${e.message}`, ...at, ...stackFrames(e)] };
  }
  const s = String(e);
  return { ename: 'Error', evalue: `uncaught value: ${s}`, traceback: [`Error: uncaught value: ${s}`, ...at] };
}
