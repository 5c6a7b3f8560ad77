// Comms: targets registered by magics/display code, comms opened by the front end or the kernel,
// messages both ways. A comm_open for an unknown target is answered with comm_close.
import { randomUUID } from 'node:crypto';
import type { ExecutorEvent } from '../jupyter/executor-api.js';

type Data = Record<string, unknown>;
export type Emit = (ev: ExecutorEvent) => void;

export class Comm {
  private readonly msgListeners: ((data: Data, metadata?: Data) => void | Promise<void>)[] = [];
  private readonly closeListeners: ((data: Data) => void | Promise<void>)[] = [];
  closed = false;

  constructor(readonly id: string, readonly target: string, private readonly manager: CommManager) {}

  send(data: Data, metadata?: Data): void {
    if (this.closed) return;
    this.manager.emit({ type: 'comm_msg', comm_id: this.id, data, ...(metadata ? { metadata } : {}) });
  }

  close(data: Data = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.id);
    this.manager.emit({ type: 'comm_close', comm_id: this.id, data });
  }

  onMsg(cb: (data: Data, metadata?: Data) => void | Promise<void>): void {
    this.msgListeners.push(cb);
  }

  onClose(cb: (data: Data) => void | Promise<void>): void {
    this.closeListeners.push(cb);
  }

  /** @internal delivery from the front end */
  async deliver(data: Data, metadata?: Data): Promise<void> {
    for (const cb of this.msgListeners) await cb(data, metadata);
  }

  /** @internal closed by the front end */
  async closedRemotely(data: Data): Promise<void> {
    this.closed = true;
    for (const cb of this.closeListeners) await cb(data);
  }
}

export type CommTarget = (comm: Comm, openData: Data) => void | Promise<void>;

export class CommManager {
  private readonly targets = new Map<string, CommTarget>();
  private readonly comms = new Map<string, Comm>();

  /** `emit` is read at each send, so it can follow the current request. */
  constructor(private readonly emitter: () => Emit) {}

  emit(ev: ExecutorEvent): void {
    this.emitter()(ev);
  }

  registerTarget(name: string, handler: CommTarget): void {
    this.targets.set(name, handler);
  }

  unregisterTarget(name: string): void {
    this.targets.delete(name);
  }

  /** comm_open from the front end. */
  async openFromFrontend(commId: string, target: string, data: Data): Promise<void> {
    const handler = this.targets.get(target);
    if (!handler) {
      this.emit({ type: 'comm_close', comm_id: commId, data: { error: `no comm target '${target}' in this kernel` } });
      return;
    }
    const comm = new Comm(commId, target, this);
    this.comms.set(commId, comm);
    await handler(comm, data);
  }

  /** Open a comm from the kernel side (emits comm_open). */
  open(target: string, data: Data = {}, metadata?: Data): Comm {
    const comm = new Comm(randomUUID(), target, this);
    this.comms.set(comm.id, comm);
    this.emit({ type: 'comm_open', comm_id: comm.id, target_name: target, data, ...(metadata ? { metadata } : {}) });
    return comm;
  }

  async message(commId: string, data: Data, metadata?: Data): Promise<boolean> {
    const comm = this.comms.get(commId);
    if (!comm) return false;
    await comm.deliver(data, metadata);
    return true;
  }

  async closeFromFrontend(commId: string, data: Data): Promise<void> {
    const comm = this.comms.get(commId);
    if (!comm) return;
    this.comms.delete(commId);
    await comm.closedRemotely(data);
  }

  get(commId: string): Comm | undefined {
    return this.comms.get(commId);
  }

  /** comm_id -> target_name of open comms (optionally of one target). */
  info(target?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.comms.values()) if (target === undefined || c.target === target) out[c.id] = { target_name: c.target };
    return out;
  }

  /** @internal */
  forget(commId: string): void {
    this.comms.delete(commId);
  }

  /** Close every comm (restart). */
  closeAll(): void {
    for (const c of [...this.comms.values()]) c.close({ reason: 'kernel restart' });
  }
}
