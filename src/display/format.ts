// format(value): the display bundle of any value. Rich values (`[MIME]()` or `toMimeBundle()`)
// give their own bundle (text/plain is always added); everything else is util.inspect text.
import { inspect } from 'node:util';
import { MIME, MIME_METADATA, NO_RESULT, type MimeBundle, type MimeMetadata } from './mime.js';

export interface Formatted {
  data: MimeBundle;
  metadata: MimeMetadata;
}

/** util.inspect with notebook-friendly limits. */
export function plainText(value: unknown): string {
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}

type Obj = Record<string | symbol, unknown>;

/** True for values that have a rich representation. */
export function isRich(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const o = value as Obj;
  return typeof o[MIME] === 'function' || typeof o.toMimeBundle === 'function';
}

/** True for values that should never be shown as a cell result (undefined, display handles). */
export function isSilent(value: unknown): boolean {
  return value === undefined || (value !== null && typeof value === 'object' && NO_RESULT in (value as object));
}

/** The bundle of a value. A throwing rich repr falls back to text and reports the failure in it. */
export function format(value: unknown): Formatted {
  if (isRich(value)) {
    const o = value as Obj;
    try {
      const fn = (typeof o[MIME] === 'function' ? o[MIME] : o.toMimeBundle) as () => MimeBundle;
      const data: MimeBundle = { ...fn.call(value) };
      const metaFn = o[MIME_METADATA];
      const metadata = typeof metaFn === 'function' ? { ...(metaFn as () => MimeMetadata).call(value) } : {};
      if (typeof data['text/plain'] !== 'string') data['text/plain'] = plainText(value);
      return { data, metadata };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { data: { 'text/plain': `${plainText(value)}\n(rich display failed: ${why})` }, metadata: {} };
    }
  }
  return { data: { 'text/plain': plainText(value) }, metadata: {} };
}
