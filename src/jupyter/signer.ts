// HMAC-SHA256 message signing (Jupyter messaging spec): the signature is the hex HMAC over the
// header, parent_header, metadata and content frames; checked with a timing-safe compare.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BwvmError } from '../util/errors.js';

export class Signer {
  private readonly key: Buffer;

  constructor(key: string, scheme = 'hmac-sha256') {
    if (scheme !== 'hmac-sha256') {
      throw new BwvmError('jupyter/signature-scheme', `signature scheme '${scheme}' is not supported`, { hint: 'use "signature_scheme": "hmac-sha256"' });
    }
    this.key = Buffer.from(key, 'utf8');
  }

  /** False when the key is empty: Jupyter then sends and expects an empty signature. */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** Hex signature of the four JSON frames ('' when signing is disabled). */
  sign(parts: readonly (Buffer | string)[]): string {
    if (!this.enabled) return '';
    const h = createHmac('sha256', this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  /** True when `signature` is the signature of `parts`. */
  verify(signature: Buffer, parts: readonly (Buffer | string)[]): boolean {
    const want = Buffer.from(this.sign(parts), 'ascii');
    if (signature.length !== want.length) return false;
    return want.length === 0 || timingSafeEqual(signature, want);
  }
}
