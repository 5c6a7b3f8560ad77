// Wire fuzz over real zmq: 12,000 generated malformed or forged messages on shell, control and
// stdin (bad/missing/other-key signatures, altered replays, broken framing, bad JSON behind a
// valid signature, missing header fields, unknown types, oversized, random bytes). Every one
// must be dropped with a log line, none executed, and the kernel must still answer afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Signer } from '../../src/jupyter/signer.js';
import { DELIMITER, encodeMessage, makeHeader } from '../../src/jupyter/wire.js';
import type { ClientChannel } from '../support/jupyter-client.js';
import { startHarness, type Harness } from './support/kernel-harness.js';

const LIMIT = 64 * 1024;
const B = (s: string) => Buffer.from(s);

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('wire fuzz (real zmq)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ maxMessageBytes: LIMIT }); });
  afterAll(async () => { await h.stop(); });

  it('drops 12,000 malformed/forged messages, executes none, and keeps answering', async () => {
    const { client, server, executor } = h;
    const key = new Signer(h.info.key);
    const wrongKey = new Signer('not-the-key');
    const rand = rng(20261124);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const randBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const forgedExec = () => ({ header: makeHeader('execute_request', 's'), parent_header: {}, metadata: {}, content: { code: 'print FORGED', silent: false } });
    const signedParts = (h0: string, p = '{}', m = '{}', c = '{}') => {
      const parts = [h0, p, m, c].map(B);
      return [B(DELIMITER), B(key.sign(parts)), ...parts];
    };

    const generators: ((ch: ClientChannel) => Buffer[])[] = [
      () => encodeMessage(wrongKey, forgedExec()),                                   // forged: other key
      () => { const f = encodeMessage(key, forgedExec()); f[1] = Buffer.alloc(0); return f; }, // missing signature
      () => { const f = encodeMessage(key, forgedExec()); f[1] = randBytes(64); return f; },   // random signature
      () => { const f = encodeMessage(key, { ...forgedExec(), content: { code: 'print ok' } }); f[5] = B(JSON.stringify({ code: 'print FORGED' })); return f; }, // altered replay
      () => { const f = encodeMessage(key, forgedExec()); f[2] = B(JSON.stringify({ ...JSON.parse(f[2]!.toString()), msg_type: 'shutdown_request' })); return f; }, // altered header
      () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => randBytes(Math.floor(rand() * 40))), // random frames, no delimiter
      () => [B(DELIMITER), ...Array.from({ length: Math.floor(rand() * 4) }, () => B('{}'))],           // too few frames
      () => signedParts(pick(['not json', '', '{', '[]', 'null', '42', '"x"', '\u0000\u0001'])),         // bad header JSON behind a valid signature
      () => signedParts(JSON.stringify({ msg_type: 'execute_request' }), '{}', '{}', '{"code":"print FORGED"}'), // no msg_id
      () => signedParts(JSON.stringify({ msg_id: 'x', msg_type: 7 }), '{}', '{}', '{"code":"print FORGED"}'),   // msg_type not a string
      () => signedParts(JSON.stringify(makeHeader('execute_request', 's')), pick(['[]', 'x', 'null']), '{}', '{"code":"print FORGED"}'), // bad parent
      () => signedParts(JSON.stringify(makeHeader('execute_request', 's')), '{}', '{}', pick(['[]', '{"code":', 'true'])), // bad content
      (ch) => encodeMessage(key, { header: makeHeader(ch === 'stdin' ? 'execute_request' : `fuzz_${Math.floor(rand() * 1e6)}_request`, 's'), parent_header: {}, metadata: {}, content: {} }), // unknown / wrong-channel type
      (ch) => encodeMessage(key, { header: makeHeader(ch === 'control' ? 'execute_request' : 'input_reply', 's'), parent_header: { msg_id: 'nobody-asked' }, metadata: {}, content: { value: 'x', code: 'print FORGED' } }), // wrong channel / unsolicited reply
    ];
    const oversized = () => encodeMessage(key, { ...forgedExec(), buffers: [Buffer.alloc(LIMIT + 1)] });

    const N = 12_000;
    const channels: ClientChannel[] = ['shell', 'control', 'stdin'];
    const sent = { shell: 0, control: 0, stdin: 0 };
    const before = { ...server.stats.received };
    const droppedBefore = server.stats.dropped;
    for (let i = 0; i < N; i++) {
      const ch = channels[i % 3]!;
      const frames = i % 400 === 0 ? oversized() : pick(generators)(ch);
      if (frames.length === 0) frames.push(B(''));
      await client.sendRaw(ch, frames);
      sent[ch]++;
    }
    const deadline = Date.now() + 60_000;
    while (channels.some((c) => server.stats.received[c] - before[c] < sent[c]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(channels.map((c) => server.stats.received[c] - before[c])).toEqual(channels.map((c) => sent[c]));
    expect(server.stats.dropped - droppedBefore).toBe(N);
    expect(executor.executed).toEqual([]);
    expect(executor.shutdowns + executor.restarts + executor.interrupts).toBe(0);
    const dropLines = h.logs.filter((l) => l.startsWith('dropped a message'));
    expect(dropLines.length).toBe(N);
    for (const reason of ['bad HMAC signature', 'missing HMAC signature', 'delimiter', 'need at least 5', 'header is not a JSON object', 'no msg_id', 'no msg_type', 'unknown msg_type', 'exceeds the 65536-byte limit', 'not accepted on control', 'unexpected']) {
      expect(dropLines.some((l) => l.includes(reason)), reason).toBe(true);
    }

    // Still alive and correct.
    const info = await client.request('shell', 'kernel_info_request', {});
    expect(info.reply.content.status).toBe('ok');
    const r = await client.execute('print survived');
    expect(r.reply.content.status).toBe('ok');
    expect(r.outputs.map((m) => m.content.text)).toEqual(['survived\n']);
    expect(executor.executed).toEqual(['print survived']);
    expect((await client.heartbeat('hb')).toString()).toBe('hb');
  });
});
