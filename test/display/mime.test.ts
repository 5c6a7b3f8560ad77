// MIME builders: every type's bundle, text fallbacks, image metadata, JSON safety.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/display/format.js';
import { html, htmlToText, jpeg, json, latex, markdown, MIME, png, svg, text, toJsonSafe } from '../../src/display/mime.js';

const fmt = (v: unknown) => format(v);

describe('mime builders', () => {
  it('text, html, markdown, svg, latex', () => {
    expect(fmt(text('a')).data).toEqual({ 'text/plain': 'a' });
    expect(fmt(html('<p>a &amp; b</p><p>c</p>')).data).toEqual({ 'text/html': '<p>a &amp; b</p><p>c</p>', 'text/plain': 'a & b\nc' });
    expect(fmt(markdown('# h')).data).toEqual({ 'text/markdown': '# h', 'text/plain': '# h' });
    expect(fmt(svg('<svg/>')).data).toEqual({ 'image/svg+xml': '<svg/>', 'text/plain': '<SVG image>' });
    expect(fmt(latex('$x$')).data).toEqual({ 'text/latex': '$x$', 'text/plain': '$x$' });
  });
  it('png and jpeg from bytes, base64 and data URLs, with size metadata', () => {
    const p = fmt(png(new Uint8Array([1, 2, 3]), { width: 40, height: 20 }));
    expect(p.data).toEqual({ 'image/png': 'AQID', 'text/plain': '<PNG image, 3 bytes>' });
    expect(p.metadata).toEqual({ 'image/png': { width: 40, height: 20 } });
    expect(fmt(png('data:image/png;base64,AQID')).data['image/png']).toBe('AQID');
    const j = fmt(jpeg('AQID'));
    expect(j.data['image/jpeg']).toBe('AQID');
    expect(j.metadata).toEqual({});
  });
  it('json makes values JSON-safe', () => {
    const j = fmt(json({ a: new Float32Array([1, 2]), b: NaN, c: 3n, m: new Map([['k', 1]]) }));
    expect(j.data['application/json']).toEqual({ a: [1, 2], b: null, c: 3, m: { k: 1 } });
    expect(JSON.parse(j.data['text/plain'] as string)).toEqual(j.data['application/json']);
    expect(toJsonSafe(undefined)).toBeNull();
  });
  it('htmlToText drops scripts and tags', () => {
    expect(htmlToText('<script>x()</script><b>bold</b>&lt;tag&gt;')).toBe('bold<tag>');
  });
  it('MIME is the global symbol for bwvm.mime', () => {
    expect(MIME).toBe(Symbol.for('bwvm.mime'));
  });
});
