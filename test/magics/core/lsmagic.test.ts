// %lsmagic lists every registered magic as a table and returns the names for scripts.
import { describe, expect, it } from 'vitest';
import { makeExecutor, run } from '../support/harness.js';

describe('%lsmagic', () => {
  it('shows a table of all magics and stores the listing', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%lsmagic');
    const data = (r.result as { data: Record<string, string> }).data;
    expect(data['text/html']).toContain('<table');
    for (const m of ['%lsmagic', '%help', '%time, %%time', '%timeit, %%timeit', '%env', '%cd']) expect(data['text/plain']).toContain(m);
    const listing = exec.session.results.lsmagic as { line: string[]; cell: string[] };
    expect(listing.line).toContain('cd');
    expect(listing.cell).toEqual(expect.arrayContaining(['time', 'timeit']));
    expect(listing.cell).not.toContain('cd');
  });
});
