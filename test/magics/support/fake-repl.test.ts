// The fake Repl itself behaves like a Repl: values, persistence, await, cell line numbers.
import { describe, expect, it } from 'vitest';
import { CellError } from '../../../src/repl/api.js';
import { FakeRepl } from './fake-repl.js';

describe('FakeRepl', () => {
  it('keeps state, returns values, supports await and maps error lines', async () => {
    const r = new FakeRepl();
    expect(await r.evaluate('var x = 20', { lineOffset: 0 })).toEqual({ hasValue: false });
    expect(await r.evaluate('x + 1', { lineOffset: 0 })).toEqual({ hasValue: true, value: 21 });
    expect(await r.evaluate('const y = await Promise.resolve(2)\ny * x', { lineOffset: 0 })).toEqual({ hasValue: true, value: 40 });
    const e = await r.evaluate('1\nnoSuchThing()', { lineOffset: 4 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CellError);
    expect((e as CellError).ename).toBe('ReferenceError');
    expect((e as CellError).traceback.join('\n')).toContain('cell:6');
  });
});
