// CellHistory: cells join when they finish (the running one is not listed), outputs follow the
// notebook rules (streams merge, clear_output), the oldest cells drop past maxCells and are
// counted, notebook() gives independent nbformat cells with ids by position in the session.
import { describe, expect, it } from 'vitest';
import { CellHistory } from '../../src/session/history.js';

const stream = (text: string) => ({ msgType: 'stream', content: { name: 'stdout', text } });

describe('CellHistory', () => {
  it('records finished cells with their outputs', () => {
    const h = new CellHistory();
    h.event(stream('before any cell')); // ignored
    h.begin('a', 1);
    h.event(stream('x'));
    h.event(stream('y'));
    h.event({ msgType: 'comm_msg', content: { comm_id: 'c', data: {} } }); // not an output
    h.begin('b', 2); // the previous cell ends
    h.event({ msgType: 'display_data', content: { data: { 'text/plain': 'old' }, metadata: {} } });
    h.event({ msgType: 'clear_output', content: { wait: false } });
    h.event({ msgType: 'execute_result', content: { data: { 'text/plain': '7' }, metadata: {}, execution_count: 2 } });
    expect(h.cells.map((c) => c.source)).toEqual(['a']); // b still runs
    h.end();
    expect(h.cells.map((c) => [c.source, c.execution_count, c.outputs])).toEqual([
      ['a', 1, [{ output_type: 'stream', name: 'stdout', text: 'xy' }]],
      ['b', 2, [{ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '7' }, metadata: {} }]],
    ]);
    h.event(stream('late')); // after the cell: ignored
    expect(h.cells[1]!.outputs).toHaveLength(1);
  });

  it('keeps the last maxCells cells; notebook() copies them', () => {
    const h = new CellHistory(3);
    for (let i = 1; i <= 5; i++) { h.begin(`c${i}`, i); h.end(); }
    expect(h.cells.map((c) => c.source)).toEqual(['c3', 'c4', 'c5']);
    expect(h.dropped).toBe(2);
    const nb = h.notebook({ title: 't' });
    expect(nb).toMatchObject({ nbformat: 4, metadata: { title: 't' } });
    expect(nb.cells.map((c) => c.id)).toEqual(['cell-3', 'cell-4', 'cell-5']);
    nb.cells[0]!.source = 'changed';
    expect(h.cells[0]!.source).toBe('c3');
    h.clear();
    expect([h.cells.length, h.dropped]).toEqual([0, 0]);
  });

  it('drops the oldest cells when their sources and outputs pass maxChars (the newest stays)', () => {
    const h = new CellHistory(1000, 3000);
    for (let i = 1; i <= 4; i++) {
      h.begin(`cell ${i}`, i);
      h.event(stream('x'.repeat(900)));
      h.end();
    }
    expect(h.cells.map((c) => c.execution_count)).toEqual([2, 3, 4]); // ~960 characters each
    expect(h.dropped).toBe(1);
    h.begin('huge', 5);
    h.event(stream('y'.repeat(5000)));
    h.end();
    expect(h.cells.map((c) => c.execution_count)).toEqual([5]);
    expect(h.dropped).toBe(4);
  });
});
