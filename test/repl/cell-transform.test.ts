// transformCell: the rewrite keeps every line where it was, erases types in place, lists the
// static imports, decides hasValue, and switches to the async wrapper only for top-level await.
import { describe, expect, it } from 'vitest';
import { CellSyntaxError, transformCell } from '../../src/repl/cell-transform.js';

const CELL = [
  '/** doc */',
  'export const a: Array<number> = [1, 2]',
  'interface Shape {',
  '  area(): number',
  '}',
  'enum Dir {',
  '  Up,',
  '  Down,',
  '}',
  'function id<T extends object>(',
  '  x: T,',
  '): T {',
  '  return x!',
  '}',
  'import { join, type ParsedPath } from "node:path"',
  'class Box<T> implements Shape {',
  '  constructor(private readonly side: number) {}',
  '  area(): number { return this.side ** 2 }',
  '}',
  'const marker = "LAST"',
  'marker',
].join('\n');

describe('transformCell', () => {
  it('keeps every line of the cell on its line', () => {
    const plan = transformCell(CELL);
    const js = plan.js.split('\n');
    CELL.split('\n').forEach((line, i) => {
      const word = line.match(/\b(a|id|Box|marker|join|return|Dir)\b/)?.[0];
      if (word) expect(js[i], `line ${i + 1}: ${line}`).toContain(word);
    });
    expect(js[19]).toContain('"LAST"');
    expect(plan.isAsync).toBe(false);
    expect(plan.hasValue).toBe(true);
    expect(plan.imports).toEqual([{ spec: 'node:path', line: 14 }]);
  });

  it('erases types by blanking, so columns of runtime code do not move', () => {
    const code = 'const total: number = sum<number>(xs as number[])';
    const js = transformCell(code).js.split('\n')[0]!;
    expect(js.length).toBe(code.length);
    expect(js.indexOf('sum')).toBe(code.indexOf('sum'));
    expect(js.indexOf('xs')).toBe(code.indexOf('xs'));
    expect(js).not.toMatch(/number|as /);
  });

  it('records top-level declarations with their names (for the language service)', () => {
    const plan = transformCell(CELL);
    const names = plan.declarations.flatMap((d) => d.names);
    expect(names).toEqual(['a', 'Shape', 'Dir', 'id', 'join', 'ParsedPath', 'Box', 'marker']);
    expect(plan.declarations[0]!.text).toContain('/** doc */');
  });

  it('uses the async wrapper only for top-level await', () => {
    expect(transformCell('async function f() { await 1 }').isAsync).toBe(false);
    expect(transformCell('const v = await f()').isAsync).toBe(true);
    expect(transformCell('for await (const x of xs) {}').isAsync).toBe(true);
  });

  it('hasValue: last runtime statement is an expression without a trailing semicolon', () => {
    expect(transformCell('1').hasValue).toBe(true);
    expect(transformCell('1;').hasValue).toBe(false);
    expect(transformCell('let x = 1').hasValue).toBe(false);
    expect(transformCell('x\ninterface I {}').hasValue).toBe(true);
    expect(transformCell('').hasValue).toBe(false);
  });

  it('reports syntax errors with their offset', () => {
    expect(() => transformCell('let x = (1,\n;')).toThrow(CellSyntaxError);
    let pos = -1;
    try {
      transformCell('ok()\nlet 1x');
    } catch (e) {
      pos = (e as CellSyntaxError).pos;
    }
    expect(pos).toBeGreaterThanOrEqual('ok()\nlet '.length);
  });
});
