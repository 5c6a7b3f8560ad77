// %%html / %%markdown / %%svg / %%latex show the cell body with that MIME type.
import { describe, expect, it } from 'vitest';
import { makeExecutor, run } from '../support/harness.js';

describe('display cell magics', () => {
  it('shows the body as the cell result with the right MIME type', async () => {
    const { exec } = makeExecutor();
    const cases: [string, string][] = [['html', 'text/html'], ['markdown', 'text/markdown'], ['svg', 'image/svg+xml'], ['latex', 'text/latex']];
    for (const [name, mime] of cases) {
      const r = await run(exec, `%%${name}\n<b>body</b>`);
      expect(r.outcome.status).toBe('ok');
      expect(r.result).toMatchObject({ data: { [mime]: '<b>body</b>' } });
    }
    expect((await run(exec, '%html x')).outcome.evalue).toContain('cell magic');
  });
});
