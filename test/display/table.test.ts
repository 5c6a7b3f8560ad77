// Tables: records and {columns, rows}; HTML escaping; aligned text fallback; truncation.
import { describe, expect, it } from 'vitest';
import { formatCell, table, tableText, toTableData } from '../../src/display/table.js';

describe('table', () => {
  it('aligns the text fallback: numbers right, text left', () => {
    const t = table([{ layer: 'conv1', flops: 1200, ratio: 0.5 }, { layer: 'fc', flops: 30, ratio: 0.123456 }]);
    expect(t.data['text/plain']).toBe([
      'layer  flops   ratio',
      '-----  -----  ------',
      'conv1   1200     0.5',
      'fc        30  0.1235',
    ].join('\n'));
  });
  it('renders escaped HTML with a caption', () => {
    const h = table({ columns: ['a<b', 'n'], rows: [['<x>', 1]] }, { caption: 'Cap & co' }).data['text/html'] as string;
    expect(h).toContain('<caption>Cap &amp; co</caption>');
    expect(h).toContain('<th>a&lt;b</th>');
    expect(h).toContain('<td>&lt;x&gt;</td>');
    expect(h).toContain('<td style="text-align:right">1</td>');
  });
  it('unions record keys in order and honors a column subset', () => {
    expect(toTableData([{ a: 1 }, { b: 2, a: 3 }])).toEqual({ columns: ['a', 'b'], rows: [[1, undefined], [3, 2]] });
    expect(toTableData([{ a: 1, b: 2 }], ['b'])).toEqual({ columns: ['b'], rows: [[2]] });
  });
  it('truncates long tables', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ i }));
    const text = tableText(toTableData(rows), { maxRows: 2 });
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toContain('... 3 more rows');
    expect(table(rows, { maxRows: 2 }).data['text/html']).toContain('3 more rows');
  });
  it('formats cells', () => {
    expect([formatCell(null), formatCell(1e-7), formatCell(3), formatCell(true), formatCell([1, 2.5]), formatCell({ a: 1 })]).toEqual(['', '1.000e-7', '3', 'true', '[1, 2.5]', '{"a":1}']);
  });
});
