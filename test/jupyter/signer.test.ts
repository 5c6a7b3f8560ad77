// HMAC-SHA256 signing: known vector, verification, forged/missing/altered signatures rejected,
// unsupported schemes refused, empty key = signing disabled.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/jupyter/signer.js';
import { decodeMessage, encodeMessage, makeHeader } from '../../src/jupyter/wire.js';

const parts = ['{"msg_id":"1"}', '{}', '{}', '{"code":"x"}'];

describe('Signer', () => {
  it('signs the concatenated JSON frames with HMAC-SHA256 hex', () => {
    const want = createHmac('sha256', 'k').update(parts.join('')).digest('hex');
    expect(new Signer('k').sign(parts)).toBe(want);
    expect(new Signer('k').verify(Buffer.from(want), parts)).toBe(true);
  });

  it('rejects a wrong, truncated, empty or other-key signature', () => {
    const s = new Signer('k');
    const good = s.sign(parts);
    expect(s.verify(Buffer.from(good.replace(/^./, good[0] === 'a' ? 'b' : 'a')), parts)).toBe(false);
    expect(s.verify(Buffer.from(good.slice(0, -1)), parts)).toBe(false);
    expect(s.verify(Buffer.alloc(0), parts)).toBe(false);
    expect(s.verify(Buffer.from(new Signer('other').sign(parts)), parts)).toBe(false);
  });

  it('refuses any scheme but hmac-sha256', () => {
    expect(() => new Signer('k', 'hmac-md5')).toThrow(/hmac-md5.*not supported/);
  });

  it('with an empty key, signs with an empty string (Jupyter: authentication off)', () => {
    const s = new Signer('');
    expect(s.enabled).toBe(false);
    expect(s.sign(parts)).toBe('');
    expect(s.verify(Buffer.alloc(0), parts)).toBe(true);
  });

  it('decode drops forged, missing and replayed-with-altered-content messages', () => {
    const s = new Signer('secret');
    const f = encodeMessage(s, { header: makeHeader('execute_request', 'x'), parent_header: {}, metadata: {}, content: { code: 'print 1' } });
    expect(decodeMessage(f, s).ok).toBe(true);
    const forged = encodeMessage(new Signer('guess'), { header: makeHeader('execute_request', 'x'), parent_header: {}, metadata: {}, content: { code: 'rm -rf' } });
    const missing = [...f];
    missing[1] = Buffer.alloc(0);
    const altered = [...f];
    altered[5] = Buffer.from(JSON.stringify({ code: 'print 2' }));
    for (const [frames, reason] of [[forged, /bad HMAC/], [missing, /missing HMAC/], [altered, /bad HMAC/]] as const) {
      const r = decodeMessage(frames, s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });
});
