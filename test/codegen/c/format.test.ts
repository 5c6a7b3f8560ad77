// indentC: brace-depth indentation of generated C, ignoring braces in comments and strings.
import { describe, expect, it } from 'vitest';
import { indentC } from '../../../src/codegen/c/format.js';

describe('indentC', () => {
  it('indents nested loops, closes on leading braces, keeps one-line blocks flat', () => {
    const out = indentC(['for (;;) {', 'for (;;) {', 'x = 1; /* { not a brace */', '}', '}', '{ y = "}"; }', 'z = 2;']);
    expect(out).toEqual(['for (;;) {', '  for (;;) {', '    x = 1; /* { not a brace */', '  }', '}', '{ y = "}"; }', 'z = 2;']);
  });

  it('starts at a base depth', () => {
    expect(indentC(['a;', '{', 'b;', '}'], 2)).toEqual(['    a;', '    {', '      b;', '    }']);
  });
});
