// KernelServer: the Jupyter kernel side of the wire protocol. Receives on shell/control/stdin,
// drops (and logs) anything malformed, unsigned or unknown, runs shell requests one at a time and
// control requests concurrently with them, wraps every request in busy/idle on iopub, and
// dispatches through the handler table. Knows only the Executor interface.
import { randomUUID } from 'node:crypto';
import type * as zmq from 'zeromq';
import type { ConnectionInfo } from './connection.js';
import type { HandlerRow, IncomingRequest, KernelCore } from './core.js';
import type { Executor } from './executor-api.js';
import { abortedExecute } from './handlers/execute.js';
import { HANDLERS } from './handlers/index.js';
import { HistoryStore } from './history.js';
import type { KernelIdentity } from './kernel-info.js';
import { Signer } from './signer.js';
import { bindKernelSockets, type KernelSockets } from './sockets.js';
import { StdinBridge } from './stdin.js';
import { DEFAULT_MAX_MESSAGE_BYTES, decodeMessage, encodeMessage, makeHeader, type MessageHeader } from './wire.js';

export interface KernelServerOptions {
  connection: ConnectionInfo;
  executor: Executor;
  identity: KernelIdentity;
  /** One line per event worth a log (dropped messages...); default: stderr. */
  log?: (line: string) => void;
  /** Per-message size limit in bytes (default 64 MiB). */
  maxMessageBytes?: number;
  /** shutdown_request restart=true: executor.restart() and keep serving (true, default) or stop
   *  like a final shutdown so a kernel manager can start a fresh process (false). */
  restartInPlace?: boolean;
  /** Handler table (default HANDLERS); tests and extensions may add rows. */
  handlers?: Readonly<Record<string, HandlerRow>>;
}

export interface KernelStats {
  received: Record<'shell' | 'control' | 'stdin', number>;
  dropped: number;
  handled: number;
  aborted: number;
}

const defaultLog = (line: string) => process.stderr.write(`[bwvm kernel] ${line}\n`);

export class KernelServer {
  readonly session = randomUUID();
  readonly stats: KernelStats = { received: { shell: 0, control: 0, stdin: 0 }, dropped: 0, handled: 0, aborted: 0 };
  private readonly signer: Signer;
  private readonly log: (line: string) => void;
  private readonly handlers: Readonly<Record<string, HandlerRow>>;
  private readonly maxBytes: number;
  private readonly core: KernelCore;
  private readonly stdinBridge: StdinBridge;
  private sockets: KernelSockets | undefined;
  private readyPromise: Promise<void> | undefined;
  private readonly shellQueue: IncomingRequest[] = [];
  private readonly controlQueue: IncomingRequest[] = [];
  private shellBusy = false;
  private controlBusy = false;
  /** execute_requests queued when a cell failed with stop_on_error: answered 'aborted'. */
  private readonly toAbort = new Set<IncomingRequest>();
  private stopping = false;
  private resolveDone!: () => void;
  /** Resolves once the server has stopped (shutdown_request or stop()). */
  readonly done: Promise<void> = new Promise((r) => { this.resolveDone = r; });

  constructor(private readonly opts: KernelServerOptions) {
    this.signer = new Signer(opts.connection.key, opts.connection.signature_scheme);
    this.log = opts.log ?? defaultLog;
    this.handlers = opts.handlers ?? HANDLERS;
    this.maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.stdinBridge = new StdinBridge(this.session, (ids, header, parent, content) => this.sendOn('stdin', ids, header, parent, content));
    this.core = this.makeCore();
  }

  get executionCount(): number {
    return this.core.executionCount;
  }

  /** Bind the sockets, start the receive loops, start the executor (in the background). */
  async start(): Promise<void> {
    if (!this.signer.enabled) this.log('WARNING: the connection file has an empty key; messages are not authenticated');
    const s = await bindKernelSockets(this.opts.connection, this.log);
    this.sockets = s;
    this.readyPromise = this.opts.executor.ready();
    this.readyPromise.catch((e: unknown) => this.log(`executor failed to start: ${String(e)}`));
    void this.receive(s.shell, 'shell');
    void this.receive(s.control, 'control');
    void this.receive(s.stdin, 'stdin');
    void this.heartbeat(s.hb);
    void this.sendOn('iopub', [Buffer.from('kernel.status')], makeHeader('status', this.session), {}, { execution_state: 'starting' });
  }

  /** Interrupt the running request (SIGINT and interrupt_request both end here). */
  async interrupt(): Promise<void> {
    this.stdinBridge.rejectAll('input() was interrupted');
    await this.opts.executor.interrupt();
  }

  /** SIGINT interrupts the running cell instead of killing the kernel. Returns the uninstaller. */
  installSignalHandlers(): () => void {
    const onSigint = () => {
      this.log('SIGINT: interrupting the running request');
      this.interrupt().catch((e: unknown) => this.log(`interrupt failed: ${String(e)}`));
    };
    process.on('SIGINT', onSigint);
    return () => { process.off('SIGINT', onSigint); };
  }

  /** Stop serving: flush pending sends, close the sockets, shut the executor down. */
  async stop(): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    this.stdinBridge.rejectAll('the kernel is shutting down');
    const s = this.sockets;
    if (s) {
      await Promise.all(Object.values(s.queues).map((q) => q.drain()));
      s.close();
    }
    try {
      await this.opts.executor.shutdown();
    } catch (e) {
      this.log(`executor shutdown failed: ${String(e)}`);
    }
    this.resolveDone();
    return this.done;
  }

  // ---- receiving -------------------------------------------------------------------------

  private async receive(sock: zmq.Router, channel: 'shell' | 'control' | 'stdin'): Promise<void> {
    try {
      for await (const frames of sock) {
        this.stats.received[channel]++;
        try {
          this.accept(channel, frames);
        } catch (e) {
          this.stats.dropped++;
          this.log(`dropped a message on ${channel}: ${String(e)}`);
        }
      }
    } catch (e) {
      if (!this.stopping) this.log(`${channel} receive loop ended: ${String(e)}`);
    }
  }

  private accept(channel: 'shell' | 'control' | 'stdin', frames: Buffer[]): void {
    const r = decodeMessage(frames, this.signer, this.maxBytes);
    if (!r.ok) {
      this.stats.dropped++;
      this.log(`dropped a message on ${channel}: ${r.reason}`);
      return;
    }
    const msg = r.message;
    const type = msg.header.msg_type;
    if (channel === 'stdin') {
      if (type !== 'input_reply' || !this.stdinBridge.handleReply(msg)) {
        this.stats.dropped++;
        this.log(`dropped a message on stdin: unexpected ${type} (no input request waiting for it)`);
      }
      return;
    }
    const row = this.handlers[type];
    if (!row || !row.channels.includes(channel)) {
      this.stats.dropped++;
      this.log(`dropped a message on ${channel}: ${row ? `${type} is not accepted on ${channel}` : `unknown msg_type '${type.slice(0, 80)}'`}`);
      return;
    }
    const req: IncomingRequest = { channel, msg };
    if (this.stopping) return;
    if (row.immediate) {
      void this.handle(req, row);
    } else if (channel === 'shell') {
      this.shellQueue.push(req);
      void this.runShell();
    } else {
      this.controlQueue.push(req);
      void this.runControl();
    }
  }

  private async runShell(): Promise<void> {
    if (this.shellBusy) return;
    this.shellBusy = true;
    try {
      for (;;) {
        const req = this.shellQueue.shift();
        if (!req) {
          break;
        }
        if (this.stopping) continue;
        const aborted = this.toAbort.delete(req);
        if (aborted) this.stats.aborted++;
        await this.handle(req, aborted ? { handler: abortedExecute, channels: ['shell'] } : this.handlers[req.msg.header.msg_type]!);
      }
    } finally {
      this.shellBusy = false;
    }
  }

  private async runControl(): Promise<void> {
    if (this.controlBusy) return;
    this.controlBusy = true;
    try {
      for (let req = this.controlQueue.shift(); req; req = this.controlQueue.shift()) {
        if (!this.stopping) await this.handle(req, this.handlers[req.msg.header.msg_type]!);
      }
    } finally {
      this.controlBusy = false;
    }
  }

  /** busy, the handler, idle: every request, whatever happens in between. */
  private async handle(req: IncomingRequest, row: HandlerRow): Promise<void> {
    void this.core.publish(req, 'status', { execution_state: 'busy' });
    try {
      await row.handler(req, this.core);
    } catch (e) {
      this.log(`handler for ${req.msg.header.msg_type} failed: ${String(e)}`);
    }
    this.stats.handled++;
    await this.core.publish(req, 'status', { execution_state: 'idle' });
    if (this.exitAfterRequest && !this.stopping) await this.stop();
  }

  private exitAfterRequest = false;

  private async heartbeat(sock: zmq.Router): Promise<void> {
    try {
      for await (const frames of sock) await this.sockets!.queues.hb.send(frames);
    } catch {
      // closed
    }
  }

  // ---- sending ---------------------------------------------------------------------------

  private sendOn(channel: 'shell' | 'control' | 'stdin' | 'iopub', identities: Buffer[], header: MessageHeader, parent: MessageHeader | Record<string, never>,
    content: Record<string, unknown>, metadata: Record<string, unknown> = {}): Promise<void> {
    const s = this.sockets;
    if (!s || s.shell.closed) return Promise.resolve();
    return s.queues[channel].send(encodeMessage(this.signer, { identities, header, parent_header: parent, metadata, content }));
  }

  private makeCore(): KernelCore {
    const server = this;
    const header = (type: string) => makeHeader(type, server.session);
    return {
      executor: this.opts.executor,
      history: new HistoryStore(1),
      identity: this.opts.identity,
      executionCount: 0,
      log: (line) => server.log(line),
      executorReady: () => server.readyPromise ?? Promise.reject(new Error('the kernel server has not been started')),
      async reply(req, content, metadata = {}) {
        await server.sockets?.queues.iopub.drain();
        const type = req.msg.header.msg_type.replace(/_request$/, '') + '_reply';
        await server.sendOn(req.channel, req.msg.identities, header(type), req.msg.header, content, metadata);
      },
      publish(req, msgType, content, metadata = {}) {
        const topic = msgType === 'status' ? 'kernel.status' : `kernel.${server.session}.${msgType}`;
        return server.sendOn('iopub', [Buffer.from(topic)], header(msgType), req.msg.header, content, metadata);
      },
      input: (req, allowStdin, prompt, password) => server.stdinBridge.request(req.msg, allowStdin, prompt, password),
      async abortQueuedExecutes() {
        // Let messages ZeroMQ has already received reach the queue first.
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        for (const q of server.shellQueue) if (q.msg.header.msg_type === 'execute_request') server.toAbort.add(q);
      },
      interrupt: () => server.interrupt(),
      async shutdown(restart) {
        if (restart && server.opts.restartInPlace !== false) {
          server.stdinBridge.rejectAll('the kernel is restarting');
          await server.opts.executor.restart();
          server.core.executionCount = 0;
          return;
        }
        server.exitAfterRequest = true;
      },
    };
  }
}


