// Kernel sockets under back-pressure: a client that sends thousands of requests before reading
// any reply still gets every reply (ROUTER/PUB drop silently at a send high-water mark).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { endpoint } from '../../src/jupyter/connection.js';
import { Signer } from '../../src/jupyter/signer.js';
import { decodeMessage, encodeMessage, makeHeader } from '../../src/jupyter/wire.js';
import { startHarness, type Harness } from './support/kernel-harness.js';

describe('kernel sockets under back-pressure (real zmq)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.stop(); });

  it('a slow reader gets all 5,000 replies it asked for', async () => {
    const signer = new Signer(h.info.key);
    const dealer = new zmq.Dealer({ linger: 0, receiveHighWaterMark: 100, receiveTimeout: 10_000 });
    dealer.connect(endpoint(h.info, 'shell'));
    const N = 5000;
    const ids = new Set<string>();
    for (let i = 0; i < N; i++) {
      const header = makeHeader('kernel_info_request', 'slow-reader');
      ids.add(header.msg_id);
      await dealer.send(encodeMessage(signer, { header, parent_header: {}, metadata: {}, content: {} }));
    }
    // Only now start reading; wait until the server has handled everything first.
    const deadline = Date.now() + 60_000;
    while (h.server.stats.handled < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    let got = 0;
    try {
      while (got < N) {
        const r = decodeMessage(await dealer.receive(), signer);
        if (r.ok && ids.delete(String(r.message.parent_header.msg_id))) got++;
      }
    } catch {
      // receive timed out: replies were lost
    }
    dealer.close();
    expect(got).toBe(N);
  });
});
