// A small JavaScript Repl over node:vm for testing the cell runner without the TypeScript Repl:
// persistent context, completion value as the chunk's value, top-level await (by wrapping),
// errors as CellError with cell line numbers (via vm's lineOffset), console routed to a sink.
import vm from 'node:vm';
import { inspect } from 'node:util';
import type { CompleteResult, InspectResult, IsCompleteResult } from '../../../src/jupyter/executor-api.js';
import { CellError, type ConsoleSink, type EvalOptions, type EvalResult, type Repl } from '../../../src/repl/api.js';

const STATEMENT = /^(const|let|var|if|for|while|do|function|class|return|throw|try|switch|import|export)\b|^[{}]/;

export class FakeRepl implements Repl {
  context!: vm.Context;
  sink: ConsoleSink = { stdout: () => undefined, stderr: () => undefined };
  globals: Record<string, unknown> = {};
  declarations: string[] = [];
  evaluated: { code: string; lineOffset: number }[] = [];

  constructor() {
    this.reset();
  }

  reset(): void {
    const log = (k: 'stdout' | 'stderr') => (...a: unknown[]): void => this.sink[k](a.map((x) => (typeof x === 'string' ? x : inspect(x))).join(' ') + '\n');
    this.context = vm.createContext({ console: { log: log('stdout'), info: log('stdout'), warn: log('stderr'), error: log('stderr') }, setTimeout, clearTimeout, setImmediate, Promise });
    this.globals = {};
  }

  defineGlobals(values: Record<string, unknown>): void {
    Object.assign(this.globals, values);
    Object.assign(this.context, values);
  }

  addDeclarations(dts: string): void {
    this.declarations.push(dts);
  }

  setConsole(sink: ConsoleSink): void {
    this.sink = sink;
  }

  async evaluate(code: string, opts: EvalOptions): Promise<EvalResult> {
    this.evaluated.push({ code, lineOffset: opts.lineOffset });
    try {
      const plain = compileOrUndefined(code, opts.lineOffset);
      if (plain) {
        const value = plain.runInContext(this.context) as unknown;
        return value === undefined ? { hasValue: false } : { hasValue: true, value };
      }
      const lines = code.replace(/^(const|let|var)\s+(\w+)\s*=/gm, 'globalThis.$2 =').split('\n');
      let last = lines.length - 1;
      while (last > 0 && lines[last]!.trim() === '') last--;
      const tail = lines[last]!.trim();
      const isExpr = tail !== '' && !STATEMENT.test(tail) && !tail.endsWith('{');
      if (isExpr) lines[last] = `return (${tail.replace(/;$/, '')});`;
      const wrapped = `(async () => { ${lines.join('\n')}\n})()`;
      const p = new vm.Script(wrapped, { filename: 'cell', lineOffset: opts.lineOffset }).runInContext(this.context) as Promise<unknown>;
      const value = await abortable(p, opts.signal);
      return isExpr && value !== undefined ? { hasValue: true, value } : { hasValue: false };
    } catch (e) {
      if (e instanceof CellError) throw e;
      const err = e as Error;
      const name = err?.name ?? 'Error';
      const message = err?.message ?? String(e);
      const frames = String(err?.stack ?? '').split('\n').filter((l) => l.includes('cell:'));
      throw new CellError(name, message, [`${name}: ${message}`, ...frames]);
    }
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    const tok = /[\w$]*$/.exec(code.slice(0, cursorPos))![0];
    const names = Object.getOwnPropertyNames(this.context).filter((n) => n.startsWith(tok)).sort();
    return { matches: names, cursor_start: cursorPos - tok.length, cursor_end: cursorPos, metadata: { code } };
  }

  async inspect(code: string, cursorPos: number): Promise<InspectResult> {
    const before = /[\w$]*$/.exec(code.slice(0, cursorPos))![0];
    const after = /^[\w$]*/.exec(code.slice(cursorPos))![0];
    const name = before + after;
    if (!name || !(name in this.context)) return { found: false, data: {}, metadata: {} };
    return { found: true, data: { 'text/plain': `${name}: ${inspect(this.context[name])}` }, metadata: {} };
  }

  isComplete(code: string): IsCompleteResult {
    let depth = 0;
    for (const c of code.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '')) {
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
    }
    return depth > 0 ? { status: 'incomplete', indent: '  ' } : depth < 0 ? { status: 'invalid' } : { status: 'complete' };
  }
}

/** The chunk as a plain script, or undefined when it needs top-level await (other errors throw). */
function compileOrUndefined(code: string, lineOffset: number): vm.Script | undefined {
  try {
    return new vm.Script(code, { filename: 'cell', lineOffset });
  } catch (e) {
    if (e instanceof SyntaxError && /\bawait\b/.test(code)) return undefined;
    throw e;
  }
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CellError('KeyboardInterrupt', 'interrupted', ['KeyboardInterrupt: interrupted']));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
