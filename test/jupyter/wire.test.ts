// Wire framing: encode/decode round trip, identities and buffers, and every malformed shape
// decodeMessage must reject with a reason (size, delimiter, frame count, JSON, header fields).
import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/jupyter/signer.js';
import { DELIMITER, decodeMessage, encodeMessage, makeHeader } from '../../src/jupyter/wire.js';

const signer = new Signer('secret-key');
const B = (s: string) => Buffer.from(s);

function frames(content: Record<string, unknown> = { code: '1' }, extra: Partial<{ identities: Buffer[]; buffers: Buffer[] }> = {}) {
  return encodeMessage(signer, { header: makeHeader('execute_request', 'sess'), parent_header: {}, metadata: {}, content, ...extra });
}

/** Re-sign frames after replacing JSON parts (to test parsing behind a valid signature). */
function resigned(h: string, p = '{}', m = '{}', c = '{}'): Buffer[] {
  const parts = [h, p, m, c].map(B);
  return [B(DELIMITER), B(signer.sign(parts)), ...parts];
}

describe('wire', () => {
  it('round-trips a message with identities and binary buffers', () => {
    const ids = [B('client-1'), B('client-2')];
    const bufs = [Buffer.from([0, 1, 2, 255])];
    const f = frames({ code: 'print x', n: 1 }, { identities: ids, buffers: bufs });
    expect(f[2]!.toString()).toBe(DELIMITER);
    const r = decodeMessage(f, signer);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.identities.map(String)).toEqual(['client-1', 'client-2']);
    expect(r.message.header.msg_type).toBe('execute_request');
    expect(r.message.header.version).toBe('5.3');
    expect(r.message.content).toEqual({ code: 'print x', n: 1 });
    expect(r.message.buffers).toEqual(bufs);
  });

  it('makeHeader gives a unique msg_id and an ISO date', () => {
    const a = makeHeader('x', 's');
    const b = makeHeader('x', 's');
    expect(a.msg_id).not.toBe(b.msg_id);
    expect(new Date(a.date).toISOString()).toBe(a.date);
  });

  const bad: [string, Buffer[], RegExp][] = [
    ['no delimiter', [B('a'), B('b'), B('c')], /delimiter/],
    ['empty message', [], /delimiter/],
    ['too few frames after the delimiter', [B(DELIMITER), B('sig'), B('{}'), B('{}')], /need at least 5/],
    ['header not JSON', resigned('not json'), /header is not a JSON object/],
    ['header an array', resigned('[1,2]'), /header is not a JSON object/],
    ['header without msg_id', resigned(JSON.stringify({ msg_type: 'execute_request' })), /no msg_id/],
    ['header without msg_type', resigned(JSON.stringify({ msg_id: 'x' })), /no msg_type/],
    ['parent_header not an object', resigned(JSON.stringify(makeHeader('a', 's')), '"str"'), /parent_header/],
    ['metadata not an object', resigned(JSON.stringify(makeHeader('a', 's')), '{}', 'null'), /metadata/],
    ['content not an object', resigned(JSON.stringify(makeHeader('a', 's')), '{}', '{}', '[1]'), /content/],
    ['content bad utf-8 JSON', resigned(JSON.stringify(makeHeader('a', 's')), '{}', '{}', '{"a":'), /content/],
  ];
  it.each(bad)('rejects %s', (_, f, reason) => {
    const r = decodeMessage(f, signer);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('rejects a message over the size limit before looking at it, naming the limit', () => {
    const f = frames({ blob: 'x'.repeat(2000) });
    const r = decodeMessage(f, signer, 1024);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/exceeds the 1024-byte limit/);
    expect(decodeMessage(f, signer, 1 << 20).ok).toBe(true);
  });

  it('defaults to a 64 MiB limit', () => {
    const big = Buffer.alloc(64 * 1024 * 1024 + 1);
    const r = decodeMessage([...frames(), big], signer);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/67108864-byte limit/);
  });

  it('keeps the routing identities of a rejected message (for logging)', () => {
    const r = decodeMessage([B('peer'), B(DELIMITER), B('x')], signer);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.identities.map(String)).toEqual(['peer']);
  });
});
