// TsRepl: the Repl implementation. Rewrites each chunk (cell-transform.ts), preloads its
// imports, runs it in the persistent vm context with breakOnSigint (so SIGINT stops runaway
// synchronous code), races top-level awaits against the abort signal, and maps errors to cell
// lines. complete/inspect go to a lazily built TypeScript language service.
import vm from 'node:vm';
import type { CompleteResult, InspectResult, IsCompleteResult } from '../jupyter/executor-api.js';
import type { ConsoleSink, EvalOptions, EvalResult, Repl } from './api.js';
import { CellSyntaxError, transformCell, type CellPlan } from './cell-transform.js';
import { createReplContext, type ReplContext } from './context.js';
import { isComplete } from './is-complete.js';
import { InThreadLanguage, WorkerLanguage, type LanguageBackend } from './language-client.js';
import { ModuleLoader, packageRoot } from './modules.js';
import { cellFileName, keyboardInterrupt, runtimeError, syntaxError, type CellSource } from './traceback.js';

export interface TsReplOptions {
  /** Folder imports resolve from first (default: process.cwd()). */
  cwd?: string;
  /** Run the language service in this thread (default) or in a worker thread (needs dist/). */
  languageService?: 'thread' | 'worker';
}

const NULL_SINK: ConsoleSink = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

export class TsRepl implements Repl {
  private readonly cwd: string;
  private readonly loader: ModuleLoader;
  private readonly ls: LanguageBackend;
  private sink: ConsoleSink = NULL_SINK;
  private ctx!: ReplContext;
  private globals: Record<string, unknown> = {};
  private sources = new Map<number, CellSource>();
  private seq = 0;

  constructor(opts: TsReplOptions = {}) {
    this.cwd = opts.cwd ?? process.cwd();
    this.loader = new ModuleLoader(this.cwd);
    this.ls = opts.languageService === 'worker'
      ? new WorkerLanguage(this.cwd, packageRoot())
      : new InThreadLanguage(this.cwd, packageRoot());
    this.reset();
  }

  async evaluate(code: string, opts: EvalOptions): Promise<EvalResult> {
    const src: CellSource = { seq: ++this.seq, code, lineOffset: opts.lineOffset };
    this.sources.set(src.seq, src);
    if (opts.signal?.aborted) throw keyboardInterrupt();
    let plan: CellPlan;
    try {
      plan = transformCell(code);
    } catch (e) {
      if (e instanceof CellSyntaxError) throw syntaxError(src, e.pos, e.message);
      throw e;
    }
    for (const imp of plan.imports) {
      try {
        await this.loader.load(imp.spec);
      } catch (e) {
        const err = runtimeError(e, src, (s) => this.sources.get(s));
        err.traceback.push(`  while importing '${imp.spec}' at cell line ${imp.line + src.lineOffset + 1}`);
        throw err;
      }
    }
    let script: vm.Script;
    try {
      script = new vm.Script(plan.js, { filename: cellFileName(src.seq) });
    } catch (e) {
      throw runtimeError(e, src, (s) => this.sources.get(s));
    }
    this.ls.addHistory(plan.declarations);
    try {
      let value = script.runInContext(this.ctx.context, { breakOnSigint: true, displayErrors: false }) as unknown;
      if (plan.isAsync) value = await abortable(value as Promise<unknown>, opts.signal);
      return plan.hasValue ? { hasValue: true, value } : { hasValue: false };
    } catch (e) {
      throw runtimeError(e, src, (s) => this.sources.get(s));
    }
  }

  defineGlobals(values: Record<string, unknown>): void {
    Object.assign(this.globals, values);
    for (const [k, v] of Object.entries(values)) {
      Object.defineProperty(this.ctx.sandbox, k, { value: v, writable: true, configurable: true, enumerable: true });
    }
  }

  /** TypeScript declarations (a .d.ts text of `declare` statements) for injected globals. */
  addDeclarations(dts: string): void {
    this.ls.addDeclarations(dts);
  }

  setConsole(sink: ConsoleSink): void {
    this.sink = sink;
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return this.ls.complete(code, cursorPos);
  }

  async inspect(code: string, cursorPos: number, _detailLevel: number): Promise<InspectResult> {
    return this.ls.inspect(code, cursorPos);
  }

  isComplete(code: string): IsCompleteResult {
    return isComplete(code);
  }

  /** Build the language service now (call while idle so the first completion is quick). */
  prepareLanguageService(): Promise<void> {
    return this.ls.prepare();
  }

  /** True once the language service has been created (evaluating cells never does). */
  get languageServiceStarted(): boolean {
    return this.ls.started;
  }

  /** Fresh context and history; globals given to defineGlobals are defined again. */
  reset(): void {
    this.ctx = createReplContext(this.cwd, () => this.sink, {
      imp: (spec) => this.loader.loaded(spec),
      req: (spec) => this.loader.required(spec),
      dimp: (spec) => this.loader.load(spec),
    });
    this.sources.clear();
    this.ls.reset();
    this.defineGlobals(this.globals);
  }
}

/** Wait for a cell's promise unless the signal aborts first (the cell's promise is abandoned). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(keyboardInterrupt('the pending await was abandoned; the state of the REPL is kept'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
