// What a message handler sees of the kernel: the executor, history, execution counter, and ways
// to reply, publish on iopub, ask for input and shut down. Handlers are rows of a table
// (handlers/index.ts), one msg_type each.
import type { Executor } from './executor-api.js';
import type { HistoryStore } from './history.js';
import type { KernelIdentity } from './kernel-info.js';
import type { JupyterMessage } from './wire.js';

export type RequestChannel = 'shell' | 'control';

export interface IncomingRequest {
  channel: RequestChannel;
  msg: JupyterMessage;
}

export interface KernelCore {
  readonly executor: Executor;
  readonly history: HistoryStore;
  readonly identity: KernelIdentity;
  /** The last execution_count given out. */
  executionCount: number;
  log(line: string): void;
  /** Resolves when the executor is ready; rejects when it failed to start. */
  executorReady(): Promise<void>;
  /** `<type>_reply` to `req` on its channel (sent after everything already published on iopub). */
  reply(req: IncomingRequest, content: Record<string, unknown>, metadata?: Record<string, unknown>): Promise<void>;
  /** A message on iopub parented to `req`. */
  publish(req: IncomingRequest, msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>): Promise<void>;
  /** input() for a request (rejects when allow_stdin is false). */
  input(req: IncomingRequest, allowStdin: boolean, prompt: string, password: boolean): Promise<string>;
  /** stop_on_error: execute_requests already received behind the current one will be answered
   *  'aborted' without running (ones arriving later run normally). */
  abortQueuedExecutes(): Promise<void>;
  /** Interrupt the running request (pending input() calls fail too). */
  interrupt(): Promise<void>;
  /** restart: executor.restart() in place (when the server restarts in place); otherwise stop after this request. */
  shutdown(restart: boolean): Promise<void>;
}

export type Handler = (req: IncomingRequest, core: KernelCore) => Promise<void>;

export interface HandlerRow {
  handler: Handler;
  /** Channels the message is accepted on. */
  channels: readonly RequestChannel[];
  /** Answered at once instead of queueing behind running shell requests (kernel_info). */
  immediate?: boolean;
}

/** Content fields read leniently: a wrong type falls back to the default. */
export function str(c: Record<string, unknown>, k: string, d = ''): string {
  return typeof c[k] === 'string' ? (c[k] as string) : d;
}
export function num(c: Record<string, unknown>, k: string, d?: number): number | undefined {
  return typeof c[k] === 'number' && Number.isFinite(c[k]) ? (c[k] as number) : d;
}
export function bool(c: Record<string, unknown>, k: string, d: boolean): boolean {
  return typeof c[k] === 'boolean' ? (c[k] as boolean) : d;
}
export function obj(c: Record<string, unknown>, k: string): Record<string, unknown> {
  const v = c[k];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The reply content for a failed request. */
export function errorReply(e: unknown): Record<string, unknown> {
  const err = e instanceof Error ? e : new Error(String(e));
  return { status: 'error', ename: err.name || 'Error', evalue: err.message, traceback: (err.stack ?? String(err)).split('\n') };
}
