// Reduced session soak (the full 10,000-cell run is `npm run test:soak`): mixed TypeScript and
// magic cells through the real kernel over real zmq; every request gets its reply and one
// busy/idle pair parented to it, execution counts are consecutive, and the executor child's
// resident memory stays within the stated bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKernel, type KernelProcess } from './support/kernel-process.js';
import { runSoak } from './support/soak.js';

const CELLS = 1000;
/** The executor may grow by at most this much over the run (MB): see docs/reliability.md. */
const GROWTH_BOUND_MB = 200;

describe('session soak (reduced)', () => {
  let k: KernelProcess;
  beforeAll(async () => { k = await startKernel(); }, 300_000);
  afterAll(async () => { await k?.stop(); });

  it(`${CELLS} mixed cells: every reply and status pair delivered, memory bounded`, async () => {
    const r = await runSoak(k, CELLS);
    console.log(`soak: ${r.cells} cells in ${r.seconds.toFixed(1)} s (${r.cellsPerSecond.toFixed(1)} cells/s); executor RSS ${r.rssBeforeMB.toFixed(0)} -> ${r.rssAfterMB.toFixed(0)} MB (peak ${r.rssPeakMB.toFixed(0)})`);
    expect(r.failures).toEqual([]);
    expect(r.rssAfterMB - r.rssBeforeMB).toBeLessThan(GROWTH_BOUND_MB);
    const alive = await k.client.execute('v0 + v10');
    expect(alive.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': '10' });
  }, 300_000);
});
