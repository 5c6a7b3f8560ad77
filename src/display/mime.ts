// MIME bundles and the rich-display protocol: the symbols a value implements to show itself,
// `MimeValue` (a ready bundle + metadata) and one builder per MIME type (html, svg, png, ...).
// Knows no domain types: a domain object opts in with a `[MIME]()` or `toMimeBundle()` method.

/** mime type -> data (string for text types, JSON value for json types). */
export type MimeBundle = Record<string, unknown>;
export type MimeMetadata = Record<string, unknown>;

/** A value with `[MIME]()` returning a MimeBundle displays as that bundle. */
export const MIME: unique symbol = Symbol.for('bwvm.mime') as never;
/** Optional companion: `[MIME_METADATA]()` returns the display metadata (e.g. image sizes). */
export const MIME_METADATA: unique symbol = Symbol.for('bwvm.mime.metadata') as never;
/** Values carrying this symbol (display handles, progress bars) never become an execute_result. */
export const NO_RESULT: unique symbol = Symbol.for('bwvm.noResult') as never;

export interface RichValue {
  [MIME](): MimeBundle;
}

/** A finished bundle with metadata; what the builders below return. */
export class MimeValue implements RichValue {
  constructor(readonly data: MimeBundle, readonly metadata: MimeMetadata = {}) {}
  [MIME](): MimeBundle {
    return this.data;
  }
  [MIME_METADATA](): MimeMetadata {
    return this.metadata;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Crude text of an HTML fragment, used as its text/plain fallback. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

export function text(s: string): MimeValue {
  return new MimeValue({ 'text/plain': s });
}

export function html(s: string, plain?: string): MimeValue {
  return new MimeValue({ 'text/html': s, 'text/plain': plain ?? (htmlToText(s) || '<HTML>') });
}

export function markdown(s: string): MimeValue {
  return new MimeValue({ 'text/markdown': s, 'text/plain': s });
}

export function svg(s: string): MimeValue {
  return new MimeValue({ 'image/svg+xml': s, 'text/plain': '<SVG image>' });
}

export function latex(s: string): MimeValue {
  return new MimeValue({ 'text/latex': s, 'text/plain': s });
}

export function json(value: unknown, opts: { expanded?: boolean } = {}): MimeValue {
  const safe = toJsonSafe(value);
  return new MimeValue(
    { 'application/json': safe, 'text/plain': JSON.stringify(safe, null, 2) ?? 'undefined' },
    { 'application/json': { expanded: opts.expanded ?? false } },
  );
}

export interface ImageOptions {
  width?: number;
  height?: number;
}

function image(mime: 'image/png' | 'image/jpeg', label: string, data: string | Uint8Array, opts: ImageOptions): MimeValue {
  const b64 = typeof data === 'string' ? data.replace(/^data:[^,]*,/, '').replace(/\s+/g, '') : Buffer.from(data).toString('base64');
  const bytes = typeof data === 'string' ? Math.floor((b64.length * 3) / 4) : data.byteLength;
  const meta: Record<string, number> = {};
  if (opts.width !== undefined) meta.width = opts.width;
  if (opts.height !== undefined) meta.height = opts.height;
  return new MimeValue(
    { [mime]: b64, 'text/plain': `<${label} image, ${bytes} bytes>` },
    Object.keys(meta).length ? { [mime]: meta } : {},
  );
}

/** PNG from base64 (optionally a data: URL) or raw bytes. */
export function png(data: string | Uint8Array, opts: ImageOptions = {}): MimeValue {
  return image('image/png', 'PNG', data, opts);
}

export function jpeg(data: string | Uint8Array, opts: ImageOptions = {}): MimeValue {
  return image('image/jpeg', 'JPEG', data, opts);
}

/** A JSON-serializable copy: typed arrays -> arrays, non-finite numbers -> null, bigint -> number. */
export function toJsonSafe(value: unknown): unknown {
  const s = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => (typeof x === 'bigint' ? Number(x) : x));
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    return v;
  });
  return s === undefined ? null : JSON.parse(s);
}
