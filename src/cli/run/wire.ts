// Client-side Jupyter wire messages: build a signed multipart message, parse and verify one
// (HMAC-SHA256 over header, parent_header, metadata, content; see the messaging spec v5.3).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const DELIM = '<IDS|MSG>';

export interface Header {
  msg_id: string; session: string; username: string; date: string; msg_type: string; version: string;
}

export interface Message {
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

export function sign(key: string, parts: (string | Buffer)[]): string {
  if (!key) return '';
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export function newHeader(session: string, msgType: string): Header {
  return { msg_id: randomUUID(), session, username: 'bwvm', date: new Date().toISOString(), msg_type: msgType, version: '5.3' };
}

/** Frames to send (no routing identities: DEALER sockets add their own). */
export function encode(key: string, msg: Omit<Message, 'buffers'> & { buffers?: Buffer[] }): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((o) => Buffer.from(JSON.stringify(o)));
  return [Buffer.from(DELIM), Buffer.from(sign(key, parts)), ...parts, ...(msg.buffers ?? [])];
}

/** Parse frames received from a kernel; throws when the signature does not match. */
export function decode(key: string, frames: Buffer[]): Message {
  const i = frames.findIndex((f) => f.length === DELIM.length && f.toString() === DELIM);
  if (i < 0 || frames.length < i + 6) throw new Error('malformed Jupyter message: no <IDS|MSG> delimiter or too few frames');
  const [sig, h, p, m, c] = frames.slice(i + 1, i + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  if (key) {
    const want = Buffer.from(sign(key, [h, p, m, c]));
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) throw new Error('Jupyter message with a bad HMAC signature');
  }
  return {
    header: JSON.parse(h.toString()) as Header,
    parent_header: JSON.parse(p.toString()) as Partial<Header>,
    metadata: JSON.parse(m.toString()) as Record<string, unknown>,
    content: JSON.parse(c.toString()) as Record<string, unknown>,
    buffers: frames.slice(i + 6),
  };
}
