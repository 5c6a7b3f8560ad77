// input_request / input_reply over the stdin channel: a cell's input() sends an input_request to
// the front end that sent the execute_request (same routing identity) and waits for its reply.
import { BwvmError } from '../util/errors.js';
import { makeHeader, type JupyterMessage, type MessageHeader } from './wire.js';

export type StdinSend = (identities: Buffer[], header: MessageHeader, parent: MessageHeader, content: Record<string, unknown>) => Promise<void>;

interface Pending {
  resolve: (v: string) => void;
  reject: (e: Error) => void;
}

export class StdinBridge {
  private readonly pending = new Map<string, Pending>();

  /** `send` sends one message on stdin; `session` is the kernel's session id. */
  constructor(private readonly session: string, private readonly send: StdinSend) {}

  /** Ask the front end of `req` for a line; rejects when allow_stdin is false. */
  request(req: JupyterMessage, allowStdin: boolean, prompt: string, password: boolean): Promise<string> {
    if (!allowStdin) {
      return Promise.reject(new BwvmError('jupyter/stdin-not-allowed', 'input() was called, but this front end does not accept input requests (allow_stdin is false)', {
        hint: 'run the cell from a front end that supports input (Jupyter Lab/Notebook, jupyter console), or remove the input() call',
      }));
    }
    return new Promise<string>((resolve, reject) => {
      const header = makeHeader('input_request', this.session);
      this.pending.set(header.msg_id, { resolve, reject });
      void this.send(req.identities, header, req.header, { prompt, password });
    });
  }

  /** Route an input_reply; false when it answers no pending request. */
  handleReply(msg: JupyterMessage): boolean {
    const id = typeof msg.parent_header.msg_id === 'string' ? msg.parent_header.msg_id : '';
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    const v = msg.content.value;
    p.resolve(typeof v === 'string' ? v : String(v ?? ''));
    return true;
  }

  /** Fail every waiting input() (interrupt, shutdown). */
  rejectAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new BwvmError('jupyter/input-interrupted', reason));
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }
}
