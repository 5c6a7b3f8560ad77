// SendQueue: sends are handed to the socket one at a time, in order, never two in flight (the
// zeromq 6 EBUSY rule), and a failed send is reported without stopping the queue.
import { describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { SendQueue } from '../../src/jupyter/send-queue.js';

describe('SendQueue', () => {
  it('never has two sends in flight and keeps the order', async () => {
    const sent: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const sock = {
      async send(frames: Buffer[]) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        sent.push(frames[0]!.toString());
        inFlight--;
      },
    };
    const q = new SendQueue(sock);
    const all = Array.from({ length: 1000 }, (_, i) => q.send([Buffer.from(String(i))]));
    await Promise.all(all);
    expect(maxInFlight).toBe(1);
    expect(sent).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  });

  it('reports a failed send and carries on', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const q = new SendQueue({ async send() { if (n++ === 1) throw new Error('EBUSY'); } }, (e) => errors.push(e));
    await Promise.all([q.send([]), q.send([]), q.send([])]);
    expect(n).toBe(3);
    expect(errors.length).toBe(1);
    expect(q.failed).toBe(1);
  });

  it('lets 5,000 un-awaited sends through a real zeromq socket without EBUSY', async () => {
    const push = new zmq.Push({ linger: 0, sendHighWaterMark: 10 });
    const pull = new zmq.Pull({ linger: 0 });
    await pull.bind('tcp://127.0.0.1:*');
    push.connect(pull.lastEndpoint!);
    const errors: unknown[] = [];
    const q = new SendQueue(push, (e) => errors.push(e));
    const N = 5000;
    const sends = Array.from({ length: N }, (_, i) => q.send([Buffer.from(String(i))]));
    const got: string[] = [];
    for await (const [m] of pull) {
      got.push(m!.toString());
      if (got.length === N) break;
    }
    await Promise.all(sends);
    push.close();
    pull.close();
    expect(errors).toEqual([]);
    expect(got).toEqual(Array.from({ length: N }, (_, i) => String(i)));
  });
});
