// %env: list, get, set (both syntaxes), unset, errors.
import { afterEach, describe, expect, it } from 'vitest';
import { makeExecutor, resultText, run } from '../support/harness.js';

afterEach(() => {
  delete process.env.BWVM_ENV_A;
  delete process.env.BWVM_ENV_B;
  delete process.env.BWVM_API_TOKEN;
});

describe('%env', () => {
  it('sets and gets variables', async () => {
    const { exec } = makeExecutor();
    const s = await run(exec, '%env BWVM_ENV_A=hello world');
    expect(s.stdout).toBe('env: BWVM_ENV_A=hello world\n');
    expect(process.env.BWVM_ENV_A).toBe('hello world');
    await run(exec, '%env BWVM_ENV_B "quoted"');
    expect(process.env.BWVM_ENV_B).toBe('quoted');
    expect(resultText(await run(exec, '%env BWVM_ENV_A'))).toBe("'hello world'");
  });
  it('lists variables as a table with secrets hidden', async () => {
    const { exec } = makeExecutor();
    process.env.BWVM_API_TOKEN = 'abc123';
    process.env.BWVM_ENV_A = 'visible';
    const r = await run(exec, '%env');
    const text = resultText(r)!;
    expect(text).toContain('BWVM_ENV_A');
    expect(text).toContain('visible');
    expect(text).not.toContain('abc123');
    expect((exec.session.results.env as Record<string, string>).BWVM_API_TOKEN).toBe('abc123');
  });
  it('unsets, and explains unset or invalid names', async () => {
    const { exec } = makeExecutor();
    process.env.BWVM_ENV_A = '1';
    await run(exec, '%env -u BWVM_ENV_A');
    expect(process.env.BWVM_ENV_A).toBeUndefined();
    const r = await run(exec, '%env BWVM_ENV_A');
    expect(r.outcome.evalue).toContain('BWVM_ENV_A is not set');
    expect((await run(exec, '%env 1X=2')).outcome.evalue).toContain('not a valid environment variable name');
  });
});
