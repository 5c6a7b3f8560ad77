// Tokenizer: quotes, escapes, offsets, unterminated quotes.
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/magics/tokenize.js';
import { BwvmError } from '../../src/util/errors.js';

describe('tokenize', () => {
  it('splits on whitespace and keeps offsets', () => {
    const t = tokenize('  a  bc d');
    expect(t.map((x) => x.value)).toEqual(['a', 'bc', 'd']);
    expect(t.map((x) => x.start)).toEqual([2, 5, 8]);
  });
  it('handles single and double quotes and escapes', () => {
    expect(tokenize(`'a b' "c \\"d\\"" e\\ f g'h i'`).map((x) => x.value)).toEqual(['a b', 'c "d"', 'e f', 'gh i']);
    expect(tokenize(`'--x'`)[0]!.quoted).toBe(true);
    expect(tokenize(`--x`)[0]!.quoted).toBe(false);
  });
  it('single quotes are literal', () => {
    expect(tokenize(`'a\\nb'`)[0]!.value).toBe('a\\nb');
  });
  it('reports an unterminated quote', () => {
    expect(() => tokenize('a "bc')).toThrow(BwvmError);
    expect(() => tokenize('a "bc')).toThrow(/unterminated " quote/);
  });
});
