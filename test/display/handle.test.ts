// Display handles: display_data with a display_id, update_display_data for it, clear_output.
import { describe, expect, it } from 'vitest';
import { Displayer, type DisplayEvent } from '../../src/display/handle.js';
import { html } from '../../src/display/mime.js';
import { isSilent } from '../../src/display/format.js';

describe('Displayer', () => {
  it('displays with an id and updates through the handle', () => {
    const ev: DisplayEvent[] = [];
    const d = new Displayer((e) => ev.push(e));
    const h = d.display(html('<b>1</b>'), { metadata: { x: 1 } });
    h.update(2);
    h.display('again');
    d.clear();
    expect(ev[0]).toEqual({ type: 'display_data', data: { 'text/html': '<b>1</b>', 'text/plain': '1' }, metadata: { x: 1 }, transient: { display_id: h.id } });
    expect(ev[1]).toEqual({ type: 'update_display_data', data: { 'text/plain': '2' }, metadata: {}, transient: { display_id: h.id } });
    expect(ev[2]).toMatchObject({ type: 'display_data', transient: { display_id: h.id } });
    expect(ev[3]).toEqual({ type: 'clear_output', wait: false });
    expect(h.id).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('uses a given id, can be re-pointed, and handles are never cell results', () => {
    const a: DisplayEvent[] = [];
    const b: DisplayEvent[] = [];
    const d = new Displayer((e) => a.push(e));
    const h = d.display(1, { id: 'mine' });
    d.setSink((e) => b.push(e));
    h.update(3);
    expect(a).toHaveLength(1);
    expect(b[0]).toMatchObject({ type: 'update_display_data', transient: { display_id: 'mine' } });
    expect(isSilent(h)).toBe(true);
  });
});
