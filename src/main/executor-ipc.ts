// The messages between ChildExecutor (kernel process) and executor-child (the process cells run
// in), over the fork() IPC channel. One request id per Executor call; events, input requests and
// the result of a call carry its id, and the child sends them in order.
import type { ExecutorEvent } from '../jupyter/executor-api.js';

/** Executor methods the proxy forwards (interrupt is a signal, restart/shutdown end the process). */
export type ForwardedMethod =
  | 'execute' | 'complete' | 'inspect' | 'isComplete' | 'commOpen' | 'commMsg' | 'commClose' | 'commInfo';

export type ToChild =
  | { t: 'call'; id: number; method: ForwardedMethod; args: unknown[] }
  | { t: 'input-reply'; id: number; inputId: number; value?: string; error?: string }
  /** Interrupt while the child's event loop is free (awaits); SIGINT follows if it is not acked. */
  | { t: 'interrupt' };

export type FromChild =
  | { t: 'ready'; pid: number }
  | { t: 'interrupt-ack' }
  | { t: 'event'; id: number; ev: ExecutorEvent }
  | { t: 'input'; id: number; inputId: number; prompt: string; password: boolean }
  | { t: 'result'; id: number; value?: unknown; error?: { name: string; message: string } };

/** Methods whose last argument is a RequestContext (the proxy keeps it; the child gets a stand-in). */
export const WITH_CONTEXT: ReadonlySet<ForwardedMethod> = new Set(['execute', 'commOpen', 'commMsg', 'commClose']);
