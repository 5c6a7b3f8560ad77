// A Jupyter client over real ZeroMQ for tests: connects to a kernel from its connection info,
// sends signed requests on shell/control (or raw frames, for fuzzing), matches replies by parent,
// collects each request's iopub messages until its idle status, and answers input_request.
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { endpoint, type ConnectionInfo } from '../../src/jupyter/connection.js';
import { Signer } from '../../src/jupyter/signer.js';
import { decodeMessage, encodeMessage, makeHeader, type JupyterMessage, type MessageHeader } from '../../src/jupyter/wire.js';

export type ClientChannel = 'shell' | 'control' | 'stdin';

export interface SendOptions {
  metadata?: Record<string, unknown>;
  buffers?: Buffer[];
  /** Fields overriding the generated header (tests forging odd headers). */
  header?: Partial<MessageHeader>;
}

export interface RequestResult {
  reply: JupyterMessage;
  /** Every iopub message parented to the request, busy through idle. */
  iopub: JupyterMessage[];
}

export interface ExecuteResult extends RequestResult {
  /** iopub without status and execute_input: the cell's outputs (stream, display_data, error...). */
  outputs: JupyterMessage[];
}

export interface ExecuteOptions {
  silent?: boolean;
  store_history?: boolean;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
  user_expressions?: Record<string, string>;
}

interface Waiter {
  resolve: (m: JupyterMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT = 30_000;

export class JupyterClient {
  readonly session = randomUUID();
  readonly signer: Signer;
  /** Answers input_request on stdin (default: none, the request stays unanswered). */
  onInputRequest: ((prompt: string, password: boolean, msg: JupyterMessage) => string | Promise<string>) | undefined;
  /** Every iopub message received, in order. */
  readonly allIopub: JupyterMessage[] = [];
  /** input_request messages received on stdin. */
  readonly inputRequests: JupyterMessage[] = [];
  private readonly shell = new zmq.Dealer({ linger: 0, receiveHighWaterMark: 0, sendHighWaterMark: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private hb: zmq.Request | undefined;
  private readonly replies = new Map<string, JupyterMessage>();
  private readonly replyWaiters = new Map<string, Waiter>();
  private readonly iopubByParent = new Map<string, JupyterMessage[]>();
  private readonly idleSeen = new Set<string>();
  private readonly idleWaiters = new Map<string, Waiter>();
  private readonly sendChains = new Map<ClientChannel, Promise<void>>();
  private closed = false;

  constructor(readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    // Shell and stdin share a routing identity, so the kernel can address input_request to us.
    this.shell.routingId = this.session;
    this.stdin.routingId = this.session;
    this.shell.connect(endpoint(info, 'shell'));
    this.control.connect(endpoint(info, 'control'));
    this.stdin.connect(endpoint(info, 'stdin'));
    this.iopub.connect(endpoint(info, 'iopub'));
    this.iopub.subscribe();
    void this.pump(this.shell, (m) => this.onReply(m));
    void this.pump(this.control, (m) => this.onReply(m));
    void this.pump(this.stdin, (m) => void this.onStdin(m));
    void this.pump(this.iopub, (m) => this.onIopub(m));
  }

  /** Connect and wait until the kernel answers kernel_info and its iopub reaches us. */
  static async connect(info: ConnectionInfo, timeoutMs = DEFAULT_TIMEOUT): Promise<JupyterClient> {
    const c = new JupyterClient(info);
    try {
      await c.waitReady(timeoutMs);
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** kernel_info_request until both its reply and its iopub idle arrive (PUB/SUB joins late). */
  async waitReady(timeoutMs = DEFAULT_TIMEOUT): Promise<JupyterMessage> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      const id = await this.send('shell', 'kernel_info_request', {});
      try {
        const reply = await this.reply(id, Math.min(2000, Math.max(1, deadline - Date.now())));
        await this.iopubFor(id, 500);
        return reply;
      } catch (e) {
        lastError = e;
      }
    }
    throw new Error(`kernel not ready within ${timeoutMs} ms: ${String(lastError)}`);
  }

  /** Frames of a signed message (without sending it). */
  frames(msgType: string, content: Record<string, unknown>, opts: SendOptions = {}): { msgId: string; frames: Buffer[] } {
    const header = { ...makeHeader(msgType, this.session, 'test'), ...opts.header } as MessageHeader;
    return { msgId: header.msg_id, frames: encodeMessage(this.signer, { header, parent_header: {}, metadata: opts.metadata ?? {}, content, buffers: opts.buffers }) };
  }

  /** Send a signed request; resolves with its msg_id once queued. */
  async send(channel: ClientChannel, msgType: string, content: Record<string, unknown>, opts: SendOptions = {}): Promise<string> {
    const { msgId, frames } = this.frames(msgType, content, opts);
    await this.sendRaw(channel, frames);
    return msgId;
  }

  /** Send arbitrary frames (sends on one channel are awaited in order). */
  sendRaw(channel: ClientChannel, frames: (Buffer | string)[]): Promise<void> {
    const sock = channel === 'shell' ? this.shell : channel === 'control' ? this.control : this.stdin;
    const next = (this.sendChains.get(channel) ?? Promise.resolve()).then(() => sock.send(frames.map((f) => (typeof f === 'string' ? Buffer.from(f) : f))));
    this.sendChains.set(channel, next.catch(() => undefined));
    return next;
  }

  /** The reply whose parent is `msgId`. */
  reply(msgId: string, timeoutMs = DEFAULT_TIMEOUT): Promise<JupyterMessage> {
    const got = this.replies.get(msgId);
    if (got) {
      this.replies.delete(msgId);
      return Promise.resolve(got);
    }
    return this.wait(this.replyWaiters, msgId, timeoutMs, 'reply');
  }

  /** All iopub messages parented to `msgId`, up to and including its idle status. */
  async iopubFor(msgId: string, timeoutMs = DEFAULT_TIMEOUT): Promise<JupyterMessage[]> {
    if (!this.idleSeen.has(msgId)) await this.wait(this.idleWaiters, msgId, timeoutMs, 'idle status');
    const list = this.iopubByParent.get(msgId) ?? [];
    this.iopubByParent.delete(msgId);
    this.idleSeen.delete(msgId);
    return list;
  }

  /** Send a request and wait for its reply and its idle. */
  async request(channel: 'shell' | 'control', msgType: string, content: Record<string, unknown>, opts: SendOptions & { timeoutMs?: number } = {}): Promise<RequestResult> {
    const id = await this.send(channel, msgType, content, opts);
    const [reply, iopub] = await Promise.all([this.reply(id, opts.timeoutMs), this.iopubFor(id, opts.timeoutMs)]);
    return { reply, iopub };
  }

  async execute(code: string, opts: ExecuteOptions & { timeoutMs?: number } = {}): Promise<ExecuteResult> {
    const r = await this.request('shell', 'execute_request', executeContent(code, opts), { timeoutMs: opts.timeoutMs });
    return { ...r, outputs: r.iopub.filter((m) => m.header.msg_type !== 'status' && m.header.msg_type !== 'execute_input') };
  }

  /** Send an execute_request without waiting (returns its msg_id). */
  submit(code: string, opts: ExecuteOptions = {}): Promise<string> {
    return this.send('shell', 'execute_request', executeContent(code, opts));
  }

  /** One heartbeat round trip. */
  async heartbeat(payload = 'ping', timeoutMs = 5000): Promise<Buffer> {
    if (!this.hb) {
      this.hb = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs });
      this.hb.connect(endpoint(this.info, 'hb'));
    }
    await this.hb.send(payload);
    const [echo] = await this.hb.receive();
    return echo!;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) if (s && !s.closed) s.close();
    for (const map of [this.replyWaiters, this.idleWaiters]) {
      for (const w of map.values()) { clearTimeout(w.timer); w.reject(new Error('client closed')); }
      map.clear();
    }
  }

  private wait(map: Map<string, Waiter>, id: string, timeoutMs: number, what: string): Promise<JupyterMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        map.delete(id);
        reject(new Error(`no ${what} for ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      map.set(id, { resolve, reject, timer });
    });
  }

  private settle(map: Map<string, Waiter>, id: string, m: JupyterMessage): boolean {
    const w = map.get(id);
    if (!w) return false;
    map.delete(id);
    clearTimeout(w.timer);
    w.resolve(m);
    return true;
  }

  private onReply(m: JupyterMessage): void {
    const id = String(m.parent_header.msg_id ?? '');
    if (!this.settle(this.replyWaiters, id, m)) this.replies.set(id, m);
  }

  private onIopub(m: JupyterMessage): void {
    this.allIopub.push(m);
    const id = m.parent_header.msg_id;
    if (typeof id !== 'string') return;
    let list = this.iopubByParent.get(id);
    if (!list) this.iopubByParent.set(id, (list = []));
    list.push(m);
    if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') {
      this.idleSeen.add(id);
      this.settle(this.idleWaiters, id, m);
    }
  }

  private async onStdin(m: JupyterMessage): Promise<void> {
    if (m.header.msg_type !== 'input_request') return;
    this.inputRequests.push(m);
    if (!this.onInputRequest) return;
    const value = await this.onInputRequest(String(m.content.prompt ?? ''), !!m.content.password, m);
    const header = makeHeader('input_reply', this.session, 'test');
    await this.sendRaw('stdin', encodeMessage(this.signer, { header, parent_header: m.header, metadata: {}, content: { value } }));
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, on: (m: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        const r = decodeMessage(frames, this.signer);
        if (r.ok) on(r.message);
      }
    } catch {
      // socket closed
    }
  }
}

function executeContent(code: string, o: ExecuteOptions): Record<string, unknown> {
  return {
    code, silent: o.silent ?? false, store_history: o.store_history ?? true, user_expressions: o.user_expressions ?? {},
    allow_stdin: o.allow_stdin ?? true, stop_on_error: o.stop_on_error ?? true,
  };
}
