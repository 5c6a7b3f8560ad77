// The contract of the TypeScript REPL: one persistent evaluation context that cells run in.
// The cell runner (src/magics) drives it; the child-process executor (src/main) hosts it.
import type { CompleteResult, InspectResult, IsCompleteResult } from '../jupyter/executor-api.js';

export interface EvalResult {
  /** True when the chunk ended with an expression statement whose value is `value`. */
  hasValue: boolean;
  value?: unknown;
}

export interface EvalOptions {
  /** 0-based line in the cell where this chunk starts, so errors point at the cell's own lines. */
  lineOffset: number;
  /** Aborted by an interrupt; long awaits in the chunk are abandoned with a KeyboardInterrupt. */
  signal?: AbortSignal;
}

export interface ConsoleSink {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Thrown by evaluate(): a compile or runtime error already mapped to cell line numbers. */
export class CellError extends Error {
  constructor(readonly ename: string, readonly evalue: string, readonly traceback: string[]) {
    super(`${ename}: ${evalue}`);
    this.name = 'CellError';
  }
}

export interface Repl {
  evaluate(code: string, opts: EvalOptions): Promise<EvalResult>;
  /** Make values visible as globals to every later chunk (display helpers, the session object). */
  defineGlobals(values: Record<string, unknown>): void;
  /**
   * Optional: TypeScript declarations (.d.ts text of `declare` statements) describing the
   * globals given to defineGlobals, so completion and inspection know their types.
   */
  addDeclarations?(dts: string): void;
  /** Where console.* output of cells goes (set per request). */
  setConsole(sink: ConsoleSink): void;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): IsCompleteResult;
  /** Drop all user state (used by restart). */
  reset(): void;
}
