// Wire fuzz against the real kernel process (spawned `bwvm kernel`, executor child, real zmq):
// forged and malformed execute_requests whose code would set a global. Every one must be dropped
// with a log line, the global must stay unset, and the kernel must answer and run cells after.
// (test/jupyter/fuzz.test.ts sends 12,000 such messages to an in-process kernel server.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Signer } from '../../src/jupyter/signer.js';
import { DELIMITER, encodeMessage, makeHeader } from '../../src/jupyter/wire.js';
import type { ClientChannel } from '../support/jupyter-client.js';
import { startKernel, type KernelProcess } from './support/kernel-process.js';

const N = 2000;
const B = (s: string) => Buffer.from(s);
const FORGED = 'globalThis.__forged = ((globalThis as any).__forged ?? 0) + 1';

describe('wire fuzz against the real kernel process', () => {
  let k: KernelProcess;
  beforeAll(async () => { k = await startKernel(); }, 300_000);
  afterAll(async () => { await k?.stop(); });

  it(`drops ${N} forged/malformed messages, executes none, keeps answering`, async () => {
    const c = k.client;
    const key = new Signer(k.info.key);
    const wrongKey = new Signer('not-the-key');
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const randBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const forged = (code = FORGED) => ({ header: makeHeader('execute_request', 'intruder'), parent_header: {}, metadata: {}, content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true } });
    const signed = (hdr: string, content: string) => { const parts = [hdr, '{}', '{}', content].map(B); return [B(DELIMITER), B(key.sign(parts)), ...parts]; };
    const gens: ((ch: ClientChannel) => Buffer[])[] = [
      () => encodeMessage(wrongKey, forged()),
      () => { const f = encodeMessage(key, forged()); f[1] = Buffer.alloc(0); return f; },
      () => { const f = encodeMessage(key, forged()); f[1] = randBytes(64); return f; },
      () => { const f = encodeMessage(key, forged('1 + 1')); f[5] = B(JSON.stringify(forged().content)); return f; }, // altered replay
      () => { const f = encodeMessage(key, forged()); f[2] = B(f[2]!.toString().replace('"session":"intruder"', '"session":"x"')); return f; },
      () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => randBytes(Math.floor(rand() * 40))),
      () => [B(DELIMITER), B('{}'), B('{}')],
      () => signed('not json', JSON.stringify(forged().content)),
      () => signed(JSON.stringify({ msg_type: 'execute_request' }), JSON.stringify(forged().content)),
      () => signed(JSON.stringify(makeHeader('execute_request', 's')), '{"code":'),
      (ch) => (ch === 'shell' ? encodeMessage(key, { ...forged(), header: makeHeader('fuzz_request', 's') }) : encodeMessage(key, forged())), // execute on control/stdin
    ];
    const channels: ClientChannel[] = ['shell', 'control', 'stdin'];
    for (let i = 0; i < N; i++) {
      const ch = channels[i % 3]!;
      await c.sendRaw(ch, gens[i % gens.length]!(ch));
    }
    const drops = () => (k.log().match(/dropped a message/g) ?? []).length;
    const deadline = Date.now() + 60_000;
    while (drops() < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(drops()).toBe(N);

    const info = await c.request('shell', 'kernel_info_request', {});
    expect(info.reply.content.status).toBe('ok');
    const r = await c.execute('typeof (globalThis as any).__forged');
    expect(r.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': "'undefined'" });
    expect(r.reply.content.execution_count).toBe(1); // no forged cell took an execution count
    expect((await c.heartbeat('hb')).toString()).toBe('hb');
  }, 300_000);
});
