// Cell splitting: TypeScript chunks with their lines, line magics, cell magics, help syntax.
import { describe, expect, it } from 'vitest';
import { isMagicLine, parseCell, parseHelpLine } from '../../src/magics/parser.js';
import { BwvmError } from '../../src/util/errors.js';

describe('parseCell', () => {
  it('splits TS chunks and line magics, keeping cell lines', () => {
    const code = 'const a = 1\nconst b = 2\n%time a + b\n\n  %env X=1\nb * 2';
    const segs = parseCell(code);
    expect(segs.map((s) => s.kind)).toEqual(['code', 'magic', 'magic', 'code']);
    expect(segs[0]).toMatchObject({ kind: 'code', code: 'const a = 1\nconst b = 2', line: 0 });
    expect(segs[1]).toMatchObject({ kind: 'magic', name: 'time', args: 'a + b', cell: false, line: 2 });
    expect(segs[2]).toMatchObject({ kind: 'magic', name: 'env', args: 'X=1', line: 4 });
    expect(segs[3]).toMatchObject({ kind: 'code', code: 'b * 2', line: 5 });
    expect(segs.map((s) => code.slice(s.start, s.end))).toEqual(['const a = 1\nconst b = 2', '%time a + b', '  %env X=1', 'b * 2']);
  });
  it('makes a %% first line a cell magic with the rest as body', () => {
    const segs = parseCell('\n%%timeit -n 3 setup()\nx()\ny()');
    expect(segs).toHaveLength(1);
    expect(segs[0]).toMatchObject({ kind: 'magic', name: 'timeit', args: '-n 3 setup()', cell: true, body: 'x()\ny()', line: 1, bodyLine: 2 });
  });
  it('rejects a %% line that is not first', () => {
    expect(() => parseCell('x\n%%time\ny')).toThrow(BwvmError);
    expect(() => parseCell('x\n%%time\ny')).toThrow(/first line/);
  });
  it('recognizes help syntax', () => {
    expect(parseHelpLine('timeit?')).toEqual({ name: 'timeit', magic: false, detail: 1 });
    expect(parseHelpLine('%timeit?')).toEqual({ name: 'timeit', magic: true, detail: 1 });
    expect(parseHelpLine('?timeit')).toEqual({ name: 'timeit', magic: false, detail: 1 });
    expect(parseHelpLine('Math.max??')).toEqual({ name: 'Math.max', magic: false, detail: 2 });
    expect(parseHelpLine('a ? b : c')).toBeUndefined();
    expect(parseHelpLine('a?.b')).toBeUndefined();
    expect(parseHelpLine('x')).toBeUndefined();
    const segs = parseCell('1\n%cd?\n2');
    expect(segs.map((s) => s.kind)).toEqual(['code', 'help', 'code']);
    expect(segs[1]).toMatchObject({ name: 'cd', magic: true, line: 1 });
  });
  it('leaves TS with % operators alone', () => {
    expect(parseCell('const r = 10\n  % 3').map((s) => s.kind)).toEqual(['code']);
    expect(isMagicLine('%lsmagic')).toBe(true);
    expect(isMagicLine('x % 2')).toBe(false);
  });
  it('an empty cell has no segments', () => {
    expect(parseCell('')).toEqual([]);
    expect(parseCell('\n  \n')).toEqual([]);
  });
});
