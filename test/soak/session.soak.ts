// Full session soak (`npm run test:soak`, not in the default run): 10,000 mixed cells in one
// kernel session over real zmq, with the checks of test/hardening/support/soak.ts; prints the
// figures recorded in docs/reliability.md (cells/s, executor RSS before/after/peak).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKernel, type KernelProcess } from '../hardening/support/kernel-process.js';
import { runSoak } from '../hardening/support/soak.js';

const CELLS = Number(process.env.BWVM_SOAK_CELLS ?? 10_000);
/** Stated bound on the executor's growth over the whole run (MB): docs/reliability.md. */
const GROWTH_BOUND_MB = 400;

describe('session soak (full size)', () => {
  let k: KernelProcess;
  beforeAll(async () => { k = await startKernel(); });
  afterAll(async () => { await k?.stop(); });

  it(`${CELLS} mixed cells in one session`, async () => {
    const fmt = (r: Awaited<ReturnType<typeof runSoak>>) => `${r.cells} cells in ${r.seconds.toFixed(1)} s (${r.cellsPerSecond.toFixed(1)} cells/s); executor RSS ${r.rssBeforeMB.toFixed(0)} -> ${r.rssAfterMB.toFixed(0)} MB (peak ${r.rssPeakMB.toFixed(0)})`;
    const r = await runSoak(k, CELLS, (_i, p) => console.log(`soak progress: ${fmt(p)}`));
    console.log(`soak result: ${fmt(r)}`);
    expect(r.failures).toEqual([]);
    expect(r.rssAfterMB - r.rssBeforeMB).toBeLessThan(GROWTH_BOUND_MB);
  });
});
