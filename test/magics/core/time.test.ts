// %time / %%time: prints CPU and wall time, shows the value, stores the timing.
import { describe, expect, it } from 'vitest';
import type { TimeResult } from '../../../src/magics/core/time.js';
import { makeExecutor, resultText, run } from '../support/harness.js';

describe('%time', () => {
  it('times a line, shows its value and stores the timing', async () => {
    const { exec, repl } = makeExecutor();
    const r = await run(exec, 'var n = 20\n%time n * 2');
    expect(r.outcome.status).toBe('ok');
    expect(r.stdout).toMatch(/^CPU times: user .+, sys .+, total .+\nWall time: .+\n$/);
    expect(resultText(r)).toBe('40');
    const t = exec.session.results.time as TimeResult;
    expect(t.value).toBe(40);
    expect(t.wallSeconds).toBeGreaterThanOrEqual(0);
    expect(repl.evaluated.at(-1)).toEqual({ code: 'n * 2', lineOffset: 1 });
  });
  it('%%time runs the body with its cell line numbers', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%%time\nvar k = 3\nk + 1');
    expect(resultText(r)).toBe('4');
    const bad = await run(exec, '%%time\n1\nbroken()');
    expect(bad.outcome.ename).toBe('ReferenceError');
    expect(bad.outcome.traceback!.join('\n')).toContain('cell:3');
  });
  it('needs code', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, '%time')).outcome.evalue).toContain('%time needs code');
  });
});
