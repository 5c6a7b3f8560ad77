// %cd: changes the kernel's cwd, prints it, supports - and reports missing directories.
import { mkdtempSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeExecutor, run } from '../support/harness.js';

const start = process.cwd();
afterEach(() => process.chdir(start));

describe('%cd', () => {
  it('changes directory, prints it, and goes back with -', async () => {
    const { exec } = makeExecutor();
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'bwvm-cd-')));
    mkdirSync(join(dir, 'sub dir'));
    const r = await run(exec, `%cd ${dir}`);
    expect(r.stdout).toBe(dir + '\n');
    expect(process.cwd()).toBe(dir);
    await run(exec, `%cd "sub dir"`);
    expect(process.cwd()).toBe(join(dir, 'sub dir'));
    expect(exec.session.results.cd).toBe(join(dir, 'sub dir'));
    await run(exec, '%cd -');
    expect(process.cwd()).toBe(dir);
    expect(exec.session.cwd).toBe(dir);
  });
  it('reports a missing directory', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%cd /no/such/dir/here');
    expect(r.outcome).toMatchObject({ status: 'error', ename: 'BwvmError' });
    expect(r.outcome.evalue).toContain('cannot change directory to /no/such/dir/here');
    expect(process.cwd()).toBe(start);
  });
});
