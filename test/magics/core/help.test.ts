// %help NAME and the NAME? / %NAME? / ?NAME syntax: magic help pages, Repl inspection, errors.
import { describe, expect, it } from 'vitest';
import { makeExecutor, run } from '../support/harness.js';

const displayed = (r: Awaited<ReturnType<typeof run>>): string =>
  r.events.filter((e) => e.type === 'display_data').map((e) => (e as { data: Record<string, string> }).data['text/plain']).join('\n');

describe('%help', () => {
  it('shows usage, flags and defaults of a magic', async () => {
    const { exec } = makeExecutor();
    for (const code of ['%help timeit', '%help %timeit', 'timeit?', '%timeit?', '?timeit']) {
      const r = await run(exec, code);
      expect(r.outcome.status).toBe('ok');
      const text = displayed(r);
      expect(text).toContain('%timeit: time TypeScript over many loops');
      expect(text).toContain('-r/--repeat NUMBER');
      expect(text).toContain('(default: 7)');
    }
  });
  it('inspects TypeScript names through the Repl', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, 'var answer = 42\nanswer?');
    expect(displayed(r)).toContain('answer: 42');
  });
  it('%name? never falls back to the Repl, and unknown names suggest magics', async () => {
    const { exec } = makeExecutor();
    await run(exec, 'var tim = 1');
    const r = await run(exec, '%tim?');
    expect(r.outcome.status).toBe('error');
    expect(r.outcome.evalue).toContain('Did you mean %time');
  });
  it('%help without a name lists the magics', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%help');
    expect((r.result as { data: Record<string, string> }).data['text/plain']).toContain('%lsmagic');
  });
});
