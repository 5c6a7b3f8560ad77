// %results lists session contents; %release frees named entries or all results.
import { describe, expect, it } from 'vitest';
import { storeKey } from '../../../src/session/store.js';
import { makeExecutor, resultText, run } from '../support/harness.js';

describe('%results and %release', () => {
  it('lists results and store entries, then releases them', async () => {
    const { exec } = makeExecutor();
    exec.session.store.set(storeKey<number>('model'), 'lenet', 1);
    await run(exec, '%env BWVM_RESULTS_T=1');
    const list = resultText(await run(exec, '%results'))!;
    expect(list).toMatch(/session\.results\s+string\s+env\s+\*/);
    expect(list).toMatch(/session\.store\s+model\s+lenet\s+\*/);
    const r = await run(exec, '%release env lenet');
    expect(r.stdout).toBe('released env, lenet\n');
    expect(exec.session.resultNames()).toEqual([]);
    expect(exec.session.store.names({ kind: 'model' })).toEqual([]);
    delete process.env.BWVM_RESULTS_T;
  });
  it('--all drops every result; unknown names are reported', async () => {
    const { exec } = makeExecutor();
    exec.session.record('a', 1);
    exec.session.record('b', 2);
    expect((await run(exec, '%release --all')).stdout).toBe('released 2 results\n');
    const bad = await run(exec, '%release nope');
    expect(bad.outcome.evalue).toContain('nothing named nope');
    expect((await run(exec, '%release')).outcome.evalue).toContain('needs a NAME');
  });
});
