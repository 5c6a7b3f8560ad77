// The vm context cells run in: its own JS built-ins plus Node's globals (console and process
// routed to the current ConsoleSink; process.exit throws instead of exiting), `require` from the
// kernel's working directory, and the hidden helper object the rewritten cells call.
import { Console } from 'node:console';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import vm from 'node:vm';
import type { ConsoleSink } from './api.js';
import { HELPER } from './erase-types.js';

/** Globals copied from the host realm into every context (a table: add a name to expose it). */
const HOST_GLOBALS = [
  'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'queueMicrotask', 'structuredClone', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController',
  'AbortSignal', 'Event', 'EventTarget', 'MessageChannel', 'MessagePort', 'MessageEvent', 'BroadcastChannel',
  'Blob', 'File', 'atob', 'btoa', 'performance', 'fetch', 'Request', 'Response', 'Headers', 'FormData', 'crypto',
  'DOMException', 'ReadableStream', 'WritableStream', 'TransformStream', 'CompressionStream', 'DecompressionStream',
] as const;

export class ProcessExitError extends Error {
  constructor(code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)}) was called in a cell; the kernel keeps running (use %restart or the Restart button to start afresh)`);
    this.name = 'ProcessExitError';
  }
}

export interface ReplContext {
  context: vm.Context;
  /** The object whose properties are the context's globals. */
  sandbox: Record<string, unknown>;
}

export interface HelperApi {
  imp(spec: string): unknown;
  req(spec: string): unknown;
  dimp(spec: string): Promise<unknown>;
}

/** Build a fresh context whose console/process output goes to `sink()` (read at write time). */
export function createReplContext(cwd: string, sink: () => ConsoleSink, helper: HelperApi): ReplContext {
  const stream = (which: 'stdout' | 'stderr') => new Writable({
    decodeStrings: false,
    write(chunk: unknown, _enc, cb) {
      sink()[which](typeof chunk === 'string' ? chunk : String(chunk));
      cb();
    },
  });
  const stdout = stream('stdout');
  const stderr = stream('stderr');
  const proc = Object.create(process, {
    exit: { value: (code?: unknown) => { throw new ProcessExitError(code); }, writable: true, configurable: true },
    abort: { value: () => { throw new ProcessExitError('abort'); }, writable: true, configurable: true },
    reallyExit: { value: (code?: unknown) => { throw new ProcessExitError(code); }, writable: true, configurable: true },
    stdout: { value: stdout, writable: true, configurable: true },
    stderr: { value: stderr, writable: true, configurable: true },
  }) as NodeJS.Process;
  const sandbox: Record<string, unknown> = {};
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of HOST_GLOBALS) if (name in g) sandbox[name] = g[name];
  sandbox.console = new Console({ stdout, stderr, colorMode: false });
  sandbox.process = proc;
  sandbox.require = createRequire(join(cwd, 'noop.js'));
  sandbox[HELPER] = { ...helper, g: sandbox };
  const context = vm.createContext(sandbox, { name: 'bwvm cells' });
  sandbox.global = vm.runInContext('globalThis', context);
  Object.defineProperty(sandbox, HELPER, { enumerable: false });
  return { context, sandbox };
}
