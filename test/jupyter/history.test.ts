// HistoryStore: tail, range (session numbering, output tuples), glob search with unique and n.
import { describe, expect, it } from 'vitest';
import { globToRegExp, HistoryStore } from '../../src/jupyter/history.js';

function store(): HistoryStore {
  const h = new HistoryStore(1);
  ['a = 1', 'b = 2', 'a = 1', 'print(a)'].forEach((code, i) => h.add(i + 1, code));
  h.setOutput(4, '1');
  return h;
}

describe('HistoryStore', () => {
  it('tail returns the last n entries as [session, line, input]', () => {
    expect(store().tail(2)).toEqual([[1, 3, 'a = 1'], [1, 4, 'print(a)']]);
    expect(store().tail(undefined).length).toBe(4);
    expect(store().tail(0)).toEqual([]);
  });

  it('output=true gives [session, line, [input, output]]', () => {
    expect(store().tail(1, true)).toEqual([[1, 4, ['print(a)', '1']]]);
    expect(store().tail(2, true)[0]).toEqual([1, 3, ['a = 1', null]]);
  });

  it('range takes start <= line < stop of this session (0 and 1 both mean it)', () => {
    expect(store().range(1, 2, 4)).toEqual([[1, 2, 'b = 2'], [1, 3, 'a = 1']]);
    expect(store().range(0, 4)).toEqual([[1, 4, 'print(a)']]);
    expect(store().range(2, 1)).toEqual([]);
    expect(store().range(-1, 1)).toEqual([]);
  });

  it('search matches whole inputs by glob, unique keeps the latest, n the last n', () => {
    expect(store().search('a*').map((t) => t[1])).toEqual([1, 3]);
    expect(store().search('a*', undefined, true)).toEqual([[1, 3, 'a = 1']]);
    expect(store().search('*', 2).map((t) => t[1])).toEqual([3, 4]);
    expect(store().search('print(?)')).toEqual([[1, 4, 'print(a)']]);
    expect(store().search('nothing')).toEqual([]);
  });

  it('globToRegExp handles *, ?, classes and escapes regex characters', () => {
    expect(globToRegExp('a.b*').test('a.bcd')).toBe(true);
    expect(globToRegExp('a.b*').test('axbcd')).toBe(false);
    expect(globToRegExp('[ab]?').test('bz')).toBe(true);
    expect(globToRegExp('[^ab]?').test('bz')).toBe(false);
    expect(globToRegExp('x*').test('x\ny')).toBe(true);
  });
});
