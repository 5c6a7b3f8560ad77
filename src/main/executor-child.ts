// Entry of the executor process (forked by ChildExecutor): hosts one in-process Executor over a
// TsRepl and serves the IPC protocol of executor-ipc.ts. SIGINT interrupts the running request
// (idempotent; ignored when idle); the process ends when the kernel's IPC channel closes.
import type { Executor, ExecutorEvent, RequestContext } from '../jupyter/executor-api.js';
import { InProcessExecutor } from '../magics/executor.js';
import { TsRepl } from '../repl/index.js';
import { getTs } from '../repl/ts-loader.js';
import type { FromChild, ToChild } from './executor-ipc.js';
import { WITH_CONTEXT } from './executor-ipc.js';

/** Build the language service this long after a cell when no request is running. */
const LS_WARMUP_IDLE_MS = 1500;

const repl = new TsRepl({ cwd: process.cwd(), languageService: 'worker' });
const executor: Executor = new InProcessExecutor(repl);
const inputs = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
let nextInput = 1;
let running = 0;
let lastId = 0;
let lsWarm = false;

function send(msg: FromChild): void {
  if (!process.connected) return;
  try {
    process.send!(msg);
  } catch {
    // Values the structured clone cannot carry (functions, ...): fall back to JSON.
    process.send!(JSON.parse(JSON.stringify(msg)) as FromChild);
  }
}

function contextFor(id: number): RequestContext {
  return {
    emit: (ev: ExecutorEvent) => send({ t: 'event', id, ev }),
    input: (prompt: string, password: boolean) => new Promise<string>((resolve, reject) => {
      const inputId = nextInput++;
      inputs.set(inputId, { resolve, reject });
      send({ t: 'input', id, inputId, prompt, password });
    }),
  };
}

function scheduleWarmup(): void {
  if (lsWarm) return;
  setTimeout(() => {
    if (running > 0 || lsWarm) return scheduleWarmup();
    lsWarm = true;
    repl.prepareLanguageService().catch((e: unknown) => reportStray('Language service failed to start', e));
  }, LS_WARMUP_IDLE_MS).unref();
}

async function handle(msg: ToChild): Promise<void> {
  if (msg.t === 'interrupt') {
    send({ t: 'interrupt-ack' });
    return executor.interrupt();
  }
  if (msg.t === 'input-reply') {
    const waiter = inputs.get(msg.inputId);
    inputs.delete(msg.inputId);
    if (msg.error !== undefined) waiter?.reject(new Error(msg.error));
    else waiter?.resolve(msg.value ?? '');
    return;
  }
  const { id, method } = msg;
  const args = WITH_CONTEXT.has(method) ? [...msg.args, contextFor(id)] : msg.args;
  running++;
  lastId = id;
  try {
    const fn = executor[method] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(executor, args);
    send({ t: 'result', id, value });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ t: 'result', id, error: { name: err.name, message: err.message } });
  } finally {
    running--;
    if (method === 'complete' || method === 'inspect') lsWarm = true; // built on demand already
    if (method === 'execute') scheduleWarmup();
  }
}

/** Output of callbacks that fail after their cell finished goes to the latest request's stderr. */
function reportStray(kind: string, e: unknown): void {
  // Errors from cells belong to the vm context's realm: not `instanceof Error` here.
  const stack = (e as { stack?: unknown } | null)?.stack;
  const text = typeof stack === 'string' ? stack : String(e);
  send({ t: 'event', id: lastId, ev: { type: 'stream', name: 'stderr', text: `${kind}: ${text}\n` } });
}

process.on('SIGINT', () => void executor.interrupt());
process.on('uncaughtException', (e) => reportStray('Uncaught exception in a callback', e));
process.on('unhandledRejection', (e) => reportStray('Unhandled promise rejection', e));
process.on('disconnect', () => process.exit(0));
process.on('message', (msg: ToChild) => void handle(msg));
send({ t: 'ready', pid: process.pid });
// Load the TypeScript compiler now, so the first cell does not wait for it.
setImmediate(() => getTs());
