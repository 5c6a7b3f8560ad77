// format(): plain values via util.inspect, rich values via [MIME]() / toMimeBundle().
import { describe, expect, it } from 'vitest';
import { format, isSilent } from '../../src/display/format.js';
import { MIME, MIME_METADATA, NO_RESULT } from '../../src/display/mime.js';

describe('format', () => {
  it('plain values are util.inspect text', () => {
    expect(format(42).data).toEqual({ 'text/plain': '42' });
    expect(format('s').data).toEqual({ 'text/plain': "'s'" });
    expect(format({ a: [1, 2] }).data).toEqual({ 'text/plain': '{ a: [ 1, 2 ] }' });
    expect(format(null).data).toEqual({ 'text/plain': 'null' });
  });
  it('uses [MIME]() and its metadata, adding text/plain when missing', () => {
    const v = { [MIME]: () => ({ 'text/html': '<b>x</b>' }), [MIME_METADATA]: () => ({ isolated: true }) };
    const f = format(v);
    expect(f.data['text/html']).toBe('<b>x</b>');
    expect(typeof f.data['text/plain']).toBe('string');
    expect(f.metadata).toEqual({ isolated: true });
  });
  it('uses toMimeBundle() and survives a throwing one', () => {
    expect(format({ toMimeBundle: () => ({ 'text/plain': 'T', 'text/markdown': '*T*' }) }).data).toEqual({ 'text/plain': 'T', 'text/markdown': '*T*' });
    const bad = format({ toMimeBundle: () => { throw new Error('boom'); } });
    expect(bad.data['text/plain']).toContain('rich display failed: boom');
  });
  it('class instances with the symbol method work', () => {
    class Model {
      [MIME]() {
        return { 'text/plain': 'Model(3 layers)' };
      }
    }
    expect(format(new Model()).data['text/plain']).toBe('Model(3 layers)');
  });
  it('isSilent: undefined and NO_RESULT values', () => {
    expect(isSilent(undefined)).toBe(true);
    expect(isSilent({ [NO_RESULT]: true })).toBe(true);
    expect(isSilent(null)).toBe(false);
    expect(isSilent(0)).toBe(false);
  });
});
