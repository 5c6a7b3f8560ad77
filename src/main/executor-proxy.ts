// ChildExecutor: the Executor the kernel uses. Cells run in a forked process (executor-child);
// every call is forwarded over IPC, events and input requests are relayed in order. Interrupt =
// SIGINT to the child; if the request is still running ~5 s later the child is killed and a fresh
// one started. A crash ends the requests in flight with a clear error; the kernel lives on.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CompleteResult, ExecuteOutcome, ExecuteRequest, Executor, InspectResult, IsCompleteResult, RequestContext,
} from '../jupyter/executor-api.js';
import { packageRoot } from '../repl/modules.js';
import { BwvmError } from '../util/errors.js';
import { WITH_CONTEXT, type ForwardedMethod, type FromChild, type ToChild } from './executor-ipc.js';

/** Node flags of the executor process: one row per flag, with the reason. */
export const CHILD_NODE_FLAGS: readonly { flag: string; why: string }[] = [
  { flag: '--experimental-wasm-relaxed-simd', why: 'bwdnn WASM kernels may use relaxed SIMD' },
  { flag: '--enable-source-maps', why: 'stack traces inside bwvm point at its TypeScript sources' },
];

export interface ChildExecutorOptions {
  /** Working directory of the cells (default: the kernel's). */
  cwd?: string;
  /** The child's entry script (default: dist/main/executor-child.js of this package). */
  entry?: string;
  /** How long an interrupted request may take to stop before the child is replaced (ms). */
  interruptGraceMs?: number;
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  method: ForwardedMethod;
  ctx?: RequestContext;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Worker {
  proc: ChildProcess;
  ready: Promise<void>;
  isReady: boolean;
  exited: boolean;
  pending: Map<number, Pending>;
  /** Why we killed it (else it crashed). */
  deathNote?: { ename: string; text: string };
  /** Killed on purpose by restart/shutdown: do not start another one. */
  retired?: boolean;
  /** Pending interrupt timers (SIGINT fallback, kill after the grace period). */
  timers: Set<NodeJS.Timeout>;
  /** Requests a SIGINT was already sent for. */
  sigintSent: Set<number>;
  /** The child answered the IPC interrupt (its event loop was free). */
  acked?: boolean;
  exitedPromise: Promise<void>;
}

const LOST = 'its state was lost; a fresh executor process was started';
/**
 * An interrupted request may run this long before the child is killed (ms): long magics check
 * their signal between units of work (a training step, a sensitivity point, an evaluation batch),
 * and one unit of a larger model takes seconds on a loaded machine.
 */
const DEFAULT_GRACE_MS = 5000;
/** Wait this long for the child to ack an IPC interrupt before sending SIGINT (ms). */
const SIGINT_AFTER_MS = 100;

export class ChildExecutor implements Executor {
  private w: Worker | undefined;
  private nextId = 1;
  private closed = false;
  private lastCtx: RequestContext | undefined;
  private readonly entry: string;

  constructor(private readonly opts: ChildExecutorOptions = {}) {
    this.entry = opts.entry ?? join(packageRoot(), 'dist', 'main', 'executor-child.js');
    this.w = this.spawn();
  }

  /** Pid of the current executor process (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.w?.proc.pid;
  }

  ready(): Promise<void> {
    return this.current().ready;
  }

  execute(req: ExecuteRequest, ctx: RequestContext): Promise<ExecuteOutcome> {
    return this.call('execute', [req], ctx);
  }
  complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return this.call('complete', [code, cursorPos]);
  }
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult> {
    return this.call('inspect', [code, cursorPos, detailLevel]);
  }
  isComplete(code: string): Promise<IsCompleteResult> {
    return this.call('isComplete', [code]);
  }
  commOpen(commId: string, targetName: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    return this.call('commOpen', [commId, targetName, data], ctx);
  }
  commMsg(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    return this.call('commMsg', [commId, data], ctx);
  }
  commClose(commId: string, data: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    return this.call('commClose', [commId, data], ctx);
  }
  commInfo(targetName?: string): Promise<Record<string, { target_name: string }>> {
    return this.call('commInfo', [targetName]);
  }

  /**
   * Ask over IPC first (answered at once when the child awaits); when no ack comes within
   * SIGINT_AFTER_MS the child is busy in synchronous code: SIGINT stops code running in the vm.
   * A SIGINT is only sent then, because one landing as a vm run ends can be held by Node and
   * break the next cell. Still running after the grace period: kill and start a fresh child.
   */
  async interrupt(): Promise<void> {
    const w = this.w;
    if (!w || w.exited || ![...w.pending.values()].some((p) => WITH_CONTEXT.has(p.method))) return;
    w.acked = false;
    w.proc.send({ t: 'interrupt' } satisfies ToChild, () => {});
    const inFlight = [...w.pending.keys()];
    const busy = () => !w.exited && inFlight.some((id) => w.pending.has(id));
    const grace = this.opts.interruptGraceMs ?? DEFAULT_GRACE_MS;
    const timer = (ms: number, fn: () => void) => {
      const t = setTimeout(() => { w.timers.delete(t); fn(); }, ms);
      w.timers.add(t);
    };
    timer(SIGINT_AFTER_MS, () => {
      // One SIGINT per request: a second one could land as the vm run ends and kill the child.
      if (!busy() || w.acked || inFlight.every((id) => w.sigintSent.has(id))) return;
      inFlight.forEach((id) => w.sigintSent.add(id));
      w.proc.kill('SIGINT');
    });
    timer(grace, () => {
      if (!busy()) return;
      w.deathNote = { ename: 'KeyboardInterrupt', text: `the cell did not stop within ${grace} ms of the interrupt (busy in code that cannot be interrupted), so the executor process was killed; ${LOST}` };
      w.proc.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    const old = this.w;
    this.w = undefined;
    if (old) await this.retire(old, 'the kernel was restarted while this request ran; its state was dropped');
    if (!this.closed) await this.current().ready;
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const old = this.w;
    this.w = undefined;
    if (old) await this.retire(old, 'the kernel was shut down while this request ran');
  }

  private async retire(w: Worker, why: string): Promise<void> {
    w.retired = true;
    if (w.exited) return;
    w.deathNote = { ename: 'ExecutorRestarted', text: why };
    w.proc.kill('SIGKILL');
    await w.exitedPromise;
  }

  private current(): Worker {
    if (this.closed) throw new BwvmError('EXECUTOR_CLOSED', 'the executor was shut down');
    if (!this.w || this.w.exited) this.w = this.spawn();
    return this.w;
  }

  private async call<T>(method: ForwardedMethod, args: unknown[], ctx?: RequestContext): Promise<T> {
    const w = this.current();
    await w.ready;
    if (ctx) this.lastCtx = ctx;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { method, ctx, resolve: resolve as (v: unknown) => void, reject };
      if (w.exited) return this.settle(p, { ename: 'ExecutorDied', text: `executor process exited; ${LOST}` });
      w.pending.set(id, p);
      const msg: ToChild = { t: 'call', id, method, args };
      w.proc.send(msg, (err) => {
        if (err && w.pending.delete(id)) this.settle(p, { ename: 'ExecutorDied', text: `could not reach the executor process (${err.message}); ${LOST}` });
      });
    });
  }

  /** End a request the child will never answer: executes get an error outcome, others reject. */
  private settle(p: Pending, why: { ename: string; text: string }): void {
    if (p.method === 'execute') {
      const outcome: ExecuteOutcome = {
        status: 'error', ename: why.ename, evalue: why.text, traceback: [`${why.ename}: ${why.text}`], userExpressions: {}, payload: [],
      };
      p.resolve(outcome);
    } else {
      p.reject(new BwvmError('EXECUTOR_LOST', `${p.method}: ${why.text}`));
    }
  }

  private spawn(): Worker {
    const proc = fork(this.entry, [], {
      cwd: this.opts.cwd ?? process.cwd(),
      env: this.opts.env ?? process.env,
      execArgv: CHILD_NODE_FLAGS.map((f) => f.flag),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Own process group: a SIGINT jupyter_client sends to the kernel's group does not hit the
      // child at a random moment; the kernel forwards interrupts through interrupt() instead.
      detached: true,
    });
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    let onExit!: () => void;
    const w: Worker = {
      proc, isReady: false, exited: false, pending: new Map(), timers: new Set(), sigintSent: new Set(),
      ready: new Promise<void>((res, rej) => { onReady = res; onFail = rej; }),
      exitedPromise: new Promise<void>((res) => { onExit = res; }),
    };
    w.ready.catch(() => {}); // callers see the rejection; an unawaited one must not crash the kernel
    proc.on('message', (m: FromChild) => {
      if (m.t === 'ready') {
        w.isReady = true;
        onReady();
      } else if (m.t === 'interrupt-ack') {
        w.acked = true;
      } else this.onMessage(w, m);
    });
    const exit = (code: number | null, signal: string | null, error?: Error) => {
      if (w.exited) return;
      w.exited = true;
      for (const t of w.timers) clearTimeout(t);
      if (!w.isReady) {
        const missing = existsSync(this.entry) ? '' : ' (the file does not exist)';
        onFail(new BwvmError('EXECUTOR_START', `the executor process ${this.entry}${missing} ${error ? `could not start: ${error.message}` : `exited with ${code !== null ? `code ${code}` : `signal ${signal}`} before it was ready`}`, { hint: 'run `npm run build` so dist/ is current; the kernel log shows the child\'s stderr' }));
      }
      const why = w.deathNote ?? { ename: 'ExecutorDied', text: `executor process exited with ${code !== null ? `code ${code}` : `signal ${signal}`}; ${LOST}` };
      for (const p of w.pending.values()) this.settle(p, why);
      w.pending.clear();
      if (!this.closed && !w.retired && w.isReady && this.w === w) this.w = this.spawn();
      onExit();
    };
    proc.on('exit', (code, signal) => exit(code, signal));
    proc.on('error', (e) => { if (proc.exitCode === null && proc.pid === undefined) exit(null, null, e); });
    return w;
  }

  private onMessage(w: Worker, m: FromChild): void {
    if (m.t === 'event') {
      (w.pending.get(m.id)?.ctx ?? this.lastCtx)?.emit(m.ev);
    } else if (m.t === 'input') {
      const ctx = w.pending.get(m.id)?.ctx ?? this.lastCtx;
      const reply = (r: { value?: string; error?: string }) => {
        if (!w.exited) w.proc.send({ t: 'input-reply', id: m.id, inputId: m.inputId, ...r } satisfies ToChild);
      };
      if (!ctx) reply({ error: 'no request is waiting for input' });
      else ctx.input(m.prompt, m.password).then((value) => reply({ value }), (e: unknown) => reply({ error: e instanceof Error ? e.message : String(e) }));
    } else if (m.t === 'result') {
      const p = w.pending.get(m.id);
      if (!p) return;
      w.pending.delete(m.id);
      w.sigintSent.delete(m.id);
      if (m.error) {
        const err = new Error(m.error.message);
        err.name = m.error.name;
        p.reject(err);
      } else {
        p.resolve(m.value);
      }
    }
  }
}
