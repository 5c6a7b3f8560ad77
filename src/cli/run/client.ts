// A Jupyter client over real ZeroMQ sockets (shell, control, stdin DEALERs, iopub SUB, hb REQ):
// requests matched to replies by parent msg_id, iopub routed to the request that caused it.
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { endpoint, type ConnectionInfo } from '../../jupyter/connection.js';
import { Signer } from '../../jupyter/signer.js';
import { decodeMessage, encodeMessage, makeHeader, type JupyterMessage } from '../../jupyter/wire.js';

export type Message = JupyterMessage;

type Channel = 'shell' | 'control';
type IopubHandler = (msg: Message) => void;

export class KernelClient {
  readonly session = randomUUID();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly waiting = new Map<string, (m: Message) => void>();
  private readonly iopubHandlers = new Map<string, IopubHandler>();
  private closed = false;
  private readonly signer: Signer;
  /** Every iopub message, whoever caused it (for logging and tests). */
  onAnyIopub: IopubHandler | null = null;

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const id = Buffer.from(this.session);
    this.shell.routingId = `${this.session}-shell`;
    this.control.routingId = `${this.session}-control`;
    this.stdin.routingId = id.toString();
    this.shell.connect(endpoint(info, 'shell'));
    this.control.connect(endpoint(info, 'control'));
    this.stdin.connect(endpoint(info, 'stdin'));
    this.iopub.connect(endpoint(info, 'iopub'));
    this.iopub.subscribe();
    void this.pump(this.shell, (m) => this.dispatchReply(m));
    void this.pump(this.control, (m) => this.dispatchReply(m));
    void this.pump(this.iopub, (m) => this.dispatchIopub(m));
    void this.pump(this.stdin, (m) => this.answerInput(m));
  }

  /** Send a request; `onIopub` gets the iopub messages it causes. Resolves with the reply. */
  async request(channel: Channel, msgType: string, content: Record<string, unknown>, onIopub?: IopubHandler): Promise<Message> {
    const header = makeHeader(msgType, this.session);
    if (onIopub) this.iopubHandlers.set(header.msg_id, onIopub);
    const reply = new Promise<Message>((resolve) => this.waiting.set(header.msg_id, resolve));
    const sock = channel === 'shell' ? this.shell : this.control;
    await sock.send(encodeMessage(this.signer, { header, parent_header: {}, metadata: {}, content }));
    return reply;
  }

  /**
   * Resolves once the kernel answers kernel_info on shell AND its iopub reaches us (PUB/SUB
   * drops messages until the subscription is up, so we retry until a status arrives).
   */
  async waitForReady(timeoutMs: number, isAlive: () => boolean = () => true): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    let reply: Message | null = null;
    let sawIopub = false;
    while (Date.now() < deadline && isAlive()) {
      const got = new Promise<Message>((resolve) => {
        void this.request('shell', 'kernel_info_request', {}, () => { sawIopub = true; }).then((m) => { reply = m; resolve(m); });
      });
      await Promise.race([got, sleep(1000)]);
      if (reply && !sawIopub) await sleep(200);
      if (reply && sawIopub) return reply;
    }
    throw new Error(isAlive() ? `no kernel_info_reply within ${timeoutMs / 1000}s` : 'the kernel process exited before it was ready');
  }

  /**
   * Execute code; resolves when both the execute_reply and the iopub idle status for it have
   * arrived (so every output has been seen).
   */
  async execute(code: string, onIopub: IopubHandler, opts: { silent?: boolean; storeHistory?: boolean; stopOnError?: boolean } = {}): Promise<Message> {
    let idle!: () => void;
    const idleSeen = new Promise<void>((r) => { idle = r; });
    const reply = await this.request('shell', 'execute_request', {
      code, silent: opts.silent ?? false, store_history: opts.storeHistory ?? true,
      user_expressions: {}, allow_stdin: false, stop_on_error: opts.stopOnError ?? true,
    }, (m) => {
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle();
      else onIopub(m);
    });
    await idleSeen;
    const id = reply.parent_header.msg_id;
    if (id) this.iopubHandlers.delete(id);
    return reply;
  }

  interrupt(): Promise<Message> {
    return this.request('control', 'interrupt_request', {});
  }

  shutdown(restart = false): Promise<Message> {
    return this.request('control', 'shutdown_request', { restart });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
  }

  private dispatchReply(m: Message): void {
    const id = m.parent_header.msg_id;
    const resolve = id ? this.waiting.get(id) : undefined;
    if (id && resolve) {
      this.waiting.delete(id);
      resolve(m);
    }
  }

  private dispatchIopub(m: Message): void {
    this.onAnyIopub?.(m);
    const id = m.parent_header.msg_id;
    if (id) this.iopubHandlers.get(id)?.(m);
  }

  /** We never allow stdin; a kernel that asks anyway gets an empty line rather than hanging. */
  private answerInput(m: Message): void {
    if (m.header.msg_type !== 'input_request') return;
    void this.stdin.send(encodeMessage(this.signer, { header: makeHeader('input_reply', this.session), parent_header: m.header, metadata: {}, content: { value: '' } }))
      .catch(() => undefined);
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, on: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        const r = decodeMessage(frames, this.signer);
        if (r.ok) on(r.message); // a badly signed or malformed message is dropped, as Jupyter clients do
      }
    } catch {
      // socket closed
    }
  }
}

/** A delay that does not keep the process alive (used in races against replies and exits). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
