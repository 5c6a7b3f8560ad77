// Regression: a statement without a semicolon before a top-level-await declaration must not
// merge with it (ASI hazard in the async-cell rewrite).
import { it, expect } from 'vitest';
import { TsRepl } from '../../src/repl/ts-repl.js';
it('keeps statements apart around an awaited declaration', async () => {
  const r = new TsRepl();
  await r.evaluate('function f() { return 1 }', { lineOffset: 0 });
  const v = await r.evaluate('f()\nconst t = await Promise.resolve(5)\nt + 1', { lineOffset: 0 });
  expect(v).toEqual({ hasValue: true, value: 6 });
});
