// A scripted Executor for protocol tests: each line of a cell is a command (print, eprint,
// display, update, result, clear, fail, throw, block, gate, input, comm), so a test can drive
// every event type and failure mode, and count what was really executed.
import type {
  CompleteResult, ExecuteOutcome, ExecuteRequest, Executor, InspectResult, IsCompleteResult, RequestContext,
} from '../../../src/jupyter/executor-api.js';

export class FakeExecutor implements Executor {
  /** Code of every execute() call, in order. */
  readonly executed: string[] = [];
  readonly requests: ExecuteRequest[] = [];
  interrupts = 0;
  restarts = 0;
  shutdowns = 0;
  readonly comms = new Map<string, { target_name: string }>();
  readonly commLog: string[] = [];
  private readonly gates = new Map<string, () => void>();
  private readonly gatePromises = new Map<string, Promise<void>>();
  private interruptCurrent: (() => void) | undefined;
  private readyGate: Promise<void> = Promise.resolve();

  /** Make ready() wait until `openReady()` is called. */
  holdReady(): () => void {
    let open!: () => void;
    this.readyGate = new Promise((r) => { open = r; });
    return open;
  }

  /** Release `gate NAME` cells. */
  open(name: string): void {
    this.gate(name);
    this.gates.get(name)!();
  }

  private gate(name: string): Promise<void> {
    if (!this.gatePromises.has(name)) {
      this.gatePromises.set(name, new Promise((r) => this.gates.set(name, r)));
    }
    return this.gatePromises.get(name)!;
  }

  ready(): Promise<void> {
    return this.readyGate;
  }

  async execute(req: ExecuteRequest, ctx: RequestContext): Promise<ExecuteOutcome> {
    this.executed.push(req.code);
    this.requests.push(req);
    const ok = (): ExecuteOutcome => ({ status: 'ok', userExpressions: Object.fromEntries(Object.entries(req.userExpressions).map(([k, v]) => [k, { status: 'ok', data: { 'text/plain': v.toUpperCase() }, metadata: {} }])), payload: [] });
    for (const line of req.code.split('\n')) {
      const [cmd = '', ...rest] = line.trim().split(' ');
      const arg = rest.join(' ');
      switch (cmd) {
        case 'print': ctx.emit({ type: 'stream', name: 'stdout', text: arg + '\n' }); break;
        case 'eprint': ctx.emit({ type: 'stream', name: 'stderr', text: arg + '\n' }); break;
        case 'display': ctx.emit({ type: 'display_data', data: { [rest[0]!]: rest.slice(1).join(' ') }, metadata: {} }); break;
        case 'displayid': ctx.emit({ type: 'display_data', data: { 'text/plain': rest.slice(1).join(' ') }, metadata: {}, transient: { display_id: rest[0]! } }); break;
        case 'update': ctx.emit({ type: 'update_display_data', data: { 'text/plain': rest.slice(1).join(' ') }, metadata: {}, transient: { display_id: rest[0]! } }); break;
        case 'result': ctx.emit({ type: 'execute_result', data: { 'text/plain': arg }, metadata: {} }); break;
        case 'clear': ctx.emit({ type: 'clear_output', wait: arg === 'wait' }); break;
        case 'comm': ctx.emit({ type: 'comm_open', comm_id: rest[0]!, target_name: rest[1]!, data: {} }); break;
        case 'fail': return { status: 'error', ename: rest[0] ?? 'Error', evalue: rest.slice(1).join(' '), traceback: [`${rest[0]}: ${rest.slice(1).join(' ')}`, '    at cell:1'], userExpressions: {}, payload: [] };
        case 'throw': throw new Error(arg);
        case 'page': return { ...ok(), payload: [{ source: 'page', data: { 'text/plain': arg }, start: 0 }] };
        case 'gate': await this.gate(arg); break;
        case 'block': {
          // A long execution: ends only when interrupted.
          await new Promise<void>((r) => { this.interruptCurrent = r; });
          this.interruptCurrent = undefined;
          return { status: 'error', ename: 'Interrupted', evalue: 'the cell was interrupted', traceback: ['Interrupted'], userExpressions: {}, payload: [] };
        }
        case 'input':
        case 'password': {
          try {
            const v = await ctx.input(arg, cmd === 'password');
            ctx.emit({ type: 'stream', name: 'stdout', text: `got ${v}\n` });
          } catch (e) {
            return { status: 'error', ename: 'InputError', evalue: (e as Error).message, traceback: [], userExpressions: {}, payload: [] };
          }
          break;
        }
        default: break;
      }
    }
    return ok();
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    const before = code.slice(0, cursorPos);
    const word = /[A-Za-z_]*$/.exec(before)![0];
    const matches = ['print', 'printf', 'eprint', 'display'].filter((w) => w.startsWith(word));
    return { matches, cursor_start: cursorPos - word.length, cursor_end: cursorPos, metadata: {} };
  }

  async inspect(code: string): Promise<InspectResult> {
    const found = code.includes('print');
    return { found, data: found ? { 'text/plain': 'print TEXT: writes TEXT to stdout' } : {}, metadata: {} };
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    if (code.startsWith(')')) return { status: 'invalid' };
    if (code.trimEnd().endsWith('{')) return { status: 'incomplete', indent: '  ' };
    return { status: 'complete' };
  }

  async commOpen(commId: string, targetName: string, data: Record<string, unknown>): Promise<void> {
    this.comms.set(commId, { target_name: targetName });
    this.commLog.push(`open ${commId} ${targetName} ${JSON.stringify(data)}`);
  }

  async commMsg(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    this.commLog.push(`msg ${commId} ${JSON.stringify(data)}`);
    ctx.emit({ type: 'comm_msg', comm_id: commId, data: { echo: data } });
  }

  async commClose(commId: string, data: Record<string, unknown>): Promise<void> {
    this.comms.delete(commId);
    this.commLog.push(`close ${commId} ${JSON.stringify(data)}`);
  }

  async commInfo(targetName?: string): Promise<Record<string, { target_name: string }>> {
    return Object.fromEntries([...this.comms].filter(([, v]) => !targetName || v.target_name === targetName));
  }

  async interrupt(): Promise<void> {
    this.interrupts++;
    this.interruptCurrent?.();
  }

  async restart(): Promise<void> {
    this.restarts++;
    this.comms.clear();
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}
