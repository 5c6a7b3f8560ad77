// Jupyter wire format (messaging spec 5.3): multipart frames
//   [identities..., '<IDS|MSG>', signature, header, parent_header, metadata, content, buffers...]
// encode() signs and serializes; decode() checks size, framing and HMAC BEFORE parsing any JSON,
// and returns a reason instead of throwing, so a bad message is dropped, never fatal.
import { randomUUID } from 'node:crypto';
import type { Signer } from './signer.js';

export const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';
/** Default per-message size limit (sum of all frames). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const DELIM_BUF = Buffer.from(DELIMITER);

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export interface JupyterMessage {
  /** ZeroMQ routing identities (ROUTER sockets) or topic (iopub). */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader> | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

export type OutgoingMessage = Omit<JupyterMessage, 'identities' | 'buffers'> & { identities?: Buffer[]; buffers?: Buffer[] };

export type DecodeResult = { ok: true; message: JupyterMessage } | { ok: false; reason: string; identities: Buffer[] };

/** A fresh header (msg_id is a random UUID, date ISO 8601 UTC). */
export function makeHeader(msgType: string, session: string, username = 'bwvm'): MessageHeader {
  return { msg_id: randomUUID(), session, username, date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}

/** Frames for one message, signed. */
export function encodeMessage(signer: Signer, msg: OutgoingMessage): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((o) => Buffer.from(JSON.stringify(o), 'utf8'));
  return [...(msg.identities ?? []), DELIM_BUF, Buffer.from(signer.sign(parts), 'ascii'), ...parts, ...(msg.buffers ?? [])];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Parse and verify frames. Never throws: a bad message comes back with the reason. */
export function decodeMessage(frames: readonly Buffer[], signer: Signer, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): DecodeResult {
  let size = 0;
  for (const f of frames) size += f.length;
  const i = frames.findIndex((f) => f.equals(DELIM_BUF));
  const identities = i < 0 ? [] : frames.slice(0, i);
  const fail = (reason: string): DecodeResult => ({ ok: false, reason, identities });
  if (size > maxBytes) return fail(`message of ${size} bytes exceeds the ${maxBytes}-byte limit`);
  if (i < 0) return fail(`no '${DELIMITER}' delimiter frame among ${frames.length} frames`);
  if (frames.length < i + 6) return fail(`${frames.length - i - 1} frames after the delimiter, need at least 5 (signature, header, parent_header, metadata, content)`);
  const [sig, h, p, m, c] = frames.slice(i + 1, i + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  if (signer.enabled && sig.length === 0) return fail('missing HMAC signature');
  if (!signer.verify(sig, [h, p, m, c])) return fail('bad HMAC signature');
  const header = parseJson(h);
  const parent = parseJson(p);
  const metadata = parseJson(m);
  const content = parseJson(c);
  if (!isObject(header)) return fail('header is not a JSON object');
  if (typeof header.msg_id !== 'string' || header.msg_id === '') return fail('header has no msg_id');
  if (typeof header.msg_type !== 'string' || header.msg_type === '') return fail('header has no msg_type');
  if (!isObject(parent)) return fail('parent_header is not a JSON object');
  if (!isObject(metadata)) return fail('metadata is not a JSON object');
  if (!isObject(content)) return fail('content is not a JSON object');
  if (typeof header.session !== 'string') header.session = '';
  if (typeof header.username !== 'string') header.username = '';
  return {
    ok: true,
    message: {
      identities, header: header as MessageHeader, parent_header: parent as Partial<MessageHeader>,
      metadata, content, buffers: frames.slice(i + 6),
    },
  };
}
