// The kernel's five ZeroMQ sockets, bound on the connection file's transport and ip only:
// shell, control and stdin ROUTERs, iopub PUB, heartbeat ROUTER echoing every message back.
// Each socket sends through its own ordered SendQueue.
import * as zmq from 'zeromq';
import { BwvmError } from '../util/errors.js';
import { endpoint, type Channel, type ConnectionInfo } from './connection.js';
import { SendQueue } from './send-queue.js';

export interface KernelSockets {
  shell: zmq.Router;
  control: zmq.Router;
  stdin: zmq.Router;
  iopub: zmq.Publisher;
  hb: zmq.Router;
  queues: Record<Channel, SendQueue>;
  close(): void;
}

export async function bindKernelSockets(info: ConnectionInfo, log: (line: string) => void): Promise<KernelSockets> {
  // No send high-water mark: ROUTER and PUB sockets silently DROP messages to a peer past the
  // mark, and no reply or output may be lost (a client slow to read costs memory instead).
  const opts = { linger: 0, sendHighWaterMark: 0 };
  const shell = new zmq.Router(opts);
  const control = new zmq.Router(opts);
  const stdin = new zmq.Router(opts);
  const iopub = new zmq.Publisher(opts);
  const hb = new zmq.Router(opts);
  const all: [Channel, zmq.Socket & { send(f: Buffer[]): Promise<void> }][] = [['shell', shell], ['control', control], ['stdin', stdin], ['iopub', iopub], ['hb', hb]];
  const close = () => { for (const [, s] of all) if (!s.closed) s.close(); };
  for (const [ch, s] of all) {
    const ep = endpoint(info, ch);
    try {
      await s.bind(ep);
    } catch (e) {
      close();
      throw new BwvmError('jupyter/bind', `cannot bind the ${ch} socket to ${ep}: ${(e as Error).message}`, {
        hint: `the port is in use or the ip is not an address of this machine; check "${ch}_port" and "ip" in the connection file`,
      });
    }
  }
  const queues = Object.fromEntries(all.map(([ch, s]) => [ch, new SendQueue(s, (e) => log(`send on ${ch} failed: ${(e as Error).message}`))])) as Record<Channel, SendQueue>;
  return { shell, control, stdin, iopub, hb, queues, close };
}
