// isComplete: complete / incomplete (with an indent) / invalid for TypeScript cells.
import { describe, expect, it } from 'vitest';
import { isComplete } from '../../src/repl/is-complete.js';

describe('isComplete', () => {
  it.each([
    ['empty', ''],
    ['a statement', 'const x = 1'],
    ['a closed block', 'if (x) {\n  y()\n}'],
    ['a closed template with substitutions', 'const s = `a ${b} c ${`d${e}`}`'],
    ['a regex with brackets', 'const r = /[(]/.test(s)'],
    ['a generic type at the end', 'type T = Array<number>'],
    ['a magic line', '%load_model x.onnx'],
  ])('complete: %s', (_name, code) => {
    expect(isComplete(code).status).toBe('complete');
  });

  it.each([
    ['an open call', 'foo(1,', ''],
    ['an open block', 'function f() {', '  '],
    ['an open block, inner line', 'function f() {\n  let a = 1', '  '],
    ['an open template literal', 'const s = `line one', ''],
    ['an open template substitution', 'const s = `a ${', '  '],
    ['a trailing operator', 'const y = 1 +', '  '],
    ['a trailing dot', 'foo.', '  '],
    ['an open block comment', '/* note', ''],
  ])('incomplete: %s', (_name, code, indent) => {
    expect(isComplete(code)).toEqual({ status: 'incomplete', indent });
  });

  it.each([
    ['an unmatched closer', 'a )'],
    ['a mismatched closer', 'foo(]'],
    ['an identifier starting with a digit', 'let 1x'],
    ['an unterminated string', "const s = 'abc"],
  ])('invalid: %s', (_name, code) => {
    expect(isComplete(code).status).toBe('invalid');
  });
});
