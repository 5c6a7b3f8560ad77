// %timeit / %%timeit: loop counts, runs, statistics, setup line, async code.
import { describe, expect, it } from 'vitest';
import { summarize, timeitReport, type TimeitResult } from '../../../src/magics/core/timeit.js';
import { makeExecutor, run } from '../support/harness.js';

describe('%timeit', () => {
  it('runs -n loops -r times and reports mean ± std and best', async () => {
    const { exec } = makeExecutor();
    await run(exec, 'var calls = 0');
    const r = await run(exec, '%timeit -n 5 -r 3 calls++');
    expect(r.outcome.status).toBe('ok');
    expect(r.result).toBeUndefined();
    expect(r.stdout).toMatch(/± .* per loop \(mean ± std\. dev\. of 3 runs, 5 loops each; best .+\)/);
    const res = exec.session.results.timeit as TimeitResult;
    expect(res).toMatchObject({ loops: 5, repeat: 3 });
    expect(res.perLoop).toHaveLength(3);
    const calls = await run(exec, 'calls');
    expect(calls.result && 'data' in calls.result && calls.result.data['text/plain']).toBe('15');
  });
  it('chooses the loop count itself when -n is absent', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%timeit -r 1 -q 1 + 1');
    const res = exec.session.results.timeit as TimeitResult;
    expect(res.loops).toBeGreaterThan(1);
    expect(String(res.loops)).toMatch(/^[125]0*$/);
  });
  it('%%timeit runs the setup once and times the body; await works', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%%timeit -n 2 -r 2 var setups = (globalThis.setups ?? 0) + 1\nawait Promise.resolve(setups)');
    expect(r.outcome.status).toBe('ok');
    expect((await run(exec, 'setups')).result).toMatchObject({ data: { 'text/plain': '1' } });
  });
  it('statistics and the report', () => {
    const s = summarize([1e-3, 3e-3], 10);
    expect(s).toMatchObject({ best: 1e-3, worst: 3e-3, mean: 2e-3, loops: 10, repeat: 2 });
    expect(s.std).toBeCloseTo(1e-3, 12);
    expect(timeitReport(s)).toBe('2.00 ms ± 1.00 ms per loop (mean ± std. dev. of 2 runs, 10 loops each; best 1.00 ms)');
  });
  it('rejects bad counts and missing code', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, '%timeit -n 0 1')).outcome.evalue).toContain('at least 1');
    expect((await run(exec, '%timeit')).outcome.evalue).toContain('needs code');
    expect((await run(exec, '%timeit -n x 1')).outcome.evalue).toContain('expects a number');
  });
});
