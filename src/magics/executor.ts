// InProcessExecutor: runs cells in this process on a Repl. Splits each cell into TypeScript
// chunks, magics and help requests (parser.ts), runs them in order, shows the last value as the
// execute_result, turns every failure into an error reply, and serves completion, inspection,
// comms, interrupts and restarts. The child process (src/main) hosts one of these.
import type {
  CompleteResult, ExecuteOutcome, ExecuteRequest, Executor, ExecutorEvent, InspectResult, IsCompleteResult, RequestContext,
} from '../jupyter/executor-api.js';
import type { Repl } from '../repl/api.js';
import { defaultEmbedder, Displayer, format, isSilent, type PlotlyEmbedder } from '../display/index.js';
import { Session, type SessionOptions } from '../session/index.js';
import { BwvmError } from '../util/errors.js';
import { parseArgs } from './args.js';
import { CommManager } from './comms.js';
import { showHelp } from './core/help.js';
import { completeCell, inspectCell, isCellComplete } from './editing.js';
import { CELL_GLOBALS_DTS, makeCellGlobals } from './globals.js';
import { raceAbort, throwIfInterrupted } from './interrupt.js';
import { parseCell, type Segment } from './parser.js';
import type { MagicRegistry } from './registry.js';
import { createRegistry } from './table.js';
import { errorTriple, SegmentError } from './traceback.js';
import { MagicOutput, type MagicContext, type MagicFamily } from './types.js';

export interface InProcessExecutorOptions {
  /** Families added to the table's (tests, plugins). */
  families?: MagicFamily[];
  /** Use this registry instead of the table's. */
  registry?: MagicRegistry;
  session?: SessionOptions;
  /** Plotly library state (default: the process-wide one). */
  plotly?: PlotlyEmbedder;
}

interface RunState {
  abort: AbortController;
  allowStdin: boolean;
  ctx?: RequestContext;
}

type Emit = (ev: ExecutorEvent) => void;
const NOWHERE: Emit = () => undefined;

export class InProcessExecutor implements Executor {
  readonly registry: MagicRegistry;
  readonly comms: CommManager;
  readonly displayer: Displayer;
  readonly plotly: PlotlyEmbedder;
  session: Session;
  private emit: Emit = NOWHERE;
  private commEmit: Emit | undefined;
  private current: RunState | undefined;

  constructor(readonly repl: Repl, private readonly opts: InProcessExecutorOptions = {}) {
    this.registry = opts.registry ?? createRegistry(opts.families ?? []);
    this.plotly = opts.plotly ?? defaultEmbedder;
    this.displayer = new Displayer((ev) => this.emit(ev));
    this.comms = new CommManager(() => this.commEmit ?? this.emit);
    this.session = this.newSession();
    this.installGlobals();
  }

  private newSession(): Session {
    const s = new Session(this.opts.session);
    s.setMagicRunner((name, args, body) => this.runMagic(name, args, body, this.current ?? this.detached(), 0));
    return s;
  }

  private installGlobals(): void {
    this.repl.defineGlobals(makeCellGlobals({
      displayer: this.displayer,
      plotly: this.plotly,
      session: this.session,
      input: (p, pw) => this.input(p, pw),
    }));
    const withDts = this.repl as Repl & { addDeclarations?: (dts: string) => void };
    if (typeof withDts.addDeclarations === 'function') withDts.addDeclarations(CELL_GLOBALS_DTS);
  }

  private detached(): RunState {
    return { abort: new AbortController(), allowStdin: false };
  }

  async ready(): Promise<void> {}

  async execute(req: ExecuteRequest, ctx: RequestContext): Promise<ExecuteOutcome> {
    const state: RunState = { abort: new AbortController(), allowStdin: req.allowStdin, ctx };
    this.current = state;
    // stored cells and their outputs go into the session's history (%report)
    const history = req.storeHistory && !req.silent ? this.session.history : undefined;
    history?.begin(req.code, req.executionCount);
    this.emit = (ev) => {
      if (history) {
        const { type, ...content } = ev;
        history.event({ msgType: type, content: type === 'execute_result' ? { ...content, execution_count: req.executionCount } : content });
      }
      ctx.emit(ev);
    };
    const stream = (name: 'stdout' | 'stderr') => (text: string): void => this.emit({ type: 'stream', name, text });
    const sink = { stdout: stream('stdout'), stderr: stream('stderr') };
    this.repl.setConsole(sink);
    try {
      let last: { show: boolean; value?: unknown } = { show: false };
      for (const seg of parseCell(req.code)) {
        throwIfInterrupted(state.abort.signal);
        last = await this.runSegment(seg, state);
      }
      if (last.show && !req.silent && !isSilent(last.value)) {
        const { data, metadata } = format(last.value);
        this.emit({ type: 'execute_result', data, metadata });
      }
      const userExpressions = await this.userExpressions(req.userExpressions, state);
      this.repl.setConsole(sink); // late output of this cell (timers) still goes to it
      return { status: 'ok', userExpressions, payload: [] };
    } catch (e) {
      const triple = errorTriple(e);
      history?.event({ msgType: 'error', content: { ...triple } });
      return { status: 'error', ...triple, userExpressions: {}, payload: [] };
    } finally {
      history?.end();
      if (this.current === state) this.current = undefined;
    }
  }

  private async runSegment(seg: Segment, state: RunState): Promise<{ show: boolean; value?: unknown }> {
    const signal = state.abort.signal;
    if (seg.kind === 'code') {
      const r = await raceAbort(this.repl.evaluate(seg.code, { lineOffset: seg.line, signal }), signal);
      return { show: r.hasValue, value: r.value };
    }
    const what = seg.kind === 'help' ? `${seg.name}?` : `${seg.cell ? '%%' : '%'}${seg.name}`;
    try {
      if (seg.kind === 'help') {
        await raceAbort(showHelp(seg.name, seg.magic, seg.detail, this.context(state, seg.line)), signal);
        return { show: false };
      }
      const out = await this.runMagicRaw(seg.name, seg.args, seg.cell ? seg.body : undefined, state, seg.line);
      return { show: true, value: out instanceof MagicOutput ? out.shown : out };
    } catch (e) {
      throw new SegmentError(e, { what, line: seg.line });
    }
  }

  /** Run a magic; returns what run() returned (a MagicOutput or the value) after storing the result. */
  private async runMagicRaw(name: string, args: string, body: string | undefined, state: RunState, line: number): Promise<unknown> {
    const spec = this.registry.lookup(name, body === undefined ? 'line' : 'cell');
    const parsed = parseArgs(spec, args, body);
    const signal = state.abort.signal;
    const out = await raceAbort(Promise.resolve().then(() => spec.run(parsed, this.context(state, line))), signal);
    const stored = out instanceof MagicOutput ? out.result : out;
    if (stored !== undefined) this.session.record(spec.name, stored);
    return out;
  }

  /** Run a magic by name and return its stored result (session.magic, ctx.runMagic). */
  async runMagic(name: string, args: string, body: string | undefined, state: RunState, line: number): Promise<unknown> {
    const out = await this.runMagicRaw(name, args, body, state, line);
    return out instanceof MagicOutput ? out.result : out;
  }

  private context(state: RunState, line: number): MagicContext {
    const d = this.displayer;
    return {
      session: this.session,
      signal: state.abort.signal,
      display: (v, o) => d.display(v, o),
      update: (id, v, m) => d.update(id, v, m),
      clearOutput: (wait = false) => d.clear(wait),
      displayer: d,
      plotly: this.plotly,
      stdout: (text) => this.emit({ type: 'stream', name: 'stdout', text }),
      stderr: (text) => this.emit({ type: 'stream', name: 'stderr', text }),
      repl: this.repl,
      registry: this.registry,
      comms: this.comms,
      input: (p, pw = false) => this.input(p, pw),
      line,
      runMagic: (n, a, b) => this.runMagic(n, a, b, state, line),
    };
  }

  private async input(prompt: string, password: boolean): Promise<string> {
    const st = this.current;
    if (!st?.ctx) throw new BwvmError('stdin-no-request', 'input() can only be used while a cell is running');
    if (!st.allowStdin) {
      throw new BwvmError('stdin-not-allowed', 'this front end does not accept input from stdin (the request has allow_stdin=false)', {
        hint: 'put the value in the code instead; non-interactive runs (nbconvert, bwvm run) cannot answer input()',
      });
    }
    return raceAbort(st.ctx.input(prompt, password), st.abort.signal);
  }

  private async userExpressions(exprs: Record<string, string>, state: RunState): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(exprs ?? {});
    if (keys.length === 0) return out;
    this.repl.setConsole({ stdout: () => undefined, stderr: () => undefined });
    for (const k of keys) {
      try {
        const r = await raceAbort(this.repl.evaluate(exprs[k]!, { lineOffset: 0, signal: state.abort.signal }), state.abort.signal);
        out[k] = { status: 'ok', ...format(r.hasValue ? r.value : undefined) };
      } catch (e) {
        out[k] = { status: 'error', ...errorTriple(e) };
      }
    }
    return out;
  }

  complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return completeCell(code, cursorPos, this.registry, this.repl);
  }

  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult> {
    return inspectCell(code, cursorPos, detailLevel, this.registry, this.repl);
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    return isCellComplete(code, this.registry, this.repl);
  }

  private async withComm<T>(ctx: RequestContext, fn: () => Promise<T>): Promise<T> {
    const saved = this.commEmit;
    this.commEmit = (ev) => ctx.emit(ev);
    try {
      return await fn();
    } finally {
      this.commEmit = saved;
    }
  }

  async commOpen(commId: string, targetName: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    await this.withComm(ctx, () => this.comms.openFromFrontend(commId, targetName, data));
  }

  async commMsg(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    await this.withComm(ctx, () => this.comms.message(commId, data));
  }

  async commClose(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    await this.withComm(ctx, () => this.comms.closeFromFrontend(commId, data));
  }

  async commInfo(targetName?: string): Promise<Record<string, { target_name: string }>> {
    return this.comms.info(targetName);
  }

  async interrupt(): Promise<void> {
    this.current?.abort.abort();
  }

  async restart(): Promise<void> {
    this.current?.abort.abort();
    this.current = undefined;
    this.comms.closeAll();
    this.repl.reset();
    this.session.setMagicRunner(undefined);
    this.session = this.newSession();
    this.plotly.reset();
    this.installGlobals();
  }

  async shutdown(): Promise<void> {
    this.current?.abort.abort();
    this.emit = NOWHERE;
  }
}
