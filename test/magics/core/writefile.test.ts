// %%writefile writes or appends the cell body, creating directories; errors name the path.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExecutor, run } from '../support/harness.js';

describe('%%writefile', () => {
  it('writes, appends and stores the path', async () => {
    const { exec } = makeExecutor();
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-wf-'));
    const file = join(dir, 'sub', 'k.s');
    const r = await run(exec, `%%writefile ${file}\nnop\nhalt`);
    expect(r.stdout).toBe(`Wrote ${file}\n`);
    await run(exec, `%%writefile -a ${file}\n; end`);
    expect(readFileSync(file, 'utf8')).toBe('nop\nhalt\n; end\n');
    expect(exec.session.results.writefile).toBe(file);
  });
  it('needs a path and reports unwritable ones', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, '%%writefile\nx')).outcome.evalue).toContain('needs PATH');
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-wf-'));
    writeFileSync(join(dir, 'f'), '');
    const r = await run(exec, `%%writefile ${join(dir, 'f', 'g')}\nx`);
    expect(r.outcome.evalue).toContain('cannot write');
  });
});
