// The training magics through the cell runner: %dataset, %train (progress updates, history,
// checkpoint, interrupt) and %evaluate (confusion heatmap, per-class table).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutor, resultText, run } from './support/harness.js';
import { DATASETS } from '../../src/session/datasets.js';
import { loadNative } from '../../src/frontend/native/load.js';

describe('training magics', () => {
  it('%dataset loads the bundled subset and shows samples', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%dataset fashion-mnist --split test --subset bundled --name fm');
    expect(r.outcome.status).toBe('ok');
    expect(exec.session.store.get(DATASETS, 'fm')!.n).toBe(500);
    expect(resultText(r)).toContain('500 images of [1,28,28]');
    const bad = await run(exec, '%dataset imagenet');
    expect(bad.outcome.traceback!.join('\n')).toContain('fashion-mnist, cifar10');
  });

  it('%train shows progress updates and history, saves a checkpoint; %evaluate shows the confusion matrix', async () => {
    const { exec } = makeExecutor();
    const dir = join(mkdtempSync(join(tmpdir(), 'bwvm-train-')), 'new-folder');
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, `%train --epochs 1 --max-steps 20 --lr 0.03 --save ${join(dir, 'ck.bwvm')}`);
    expect(r.outcome.status).toBe('ok');
    expect(r.events.some((e) => e.type === 'update_display_data')).toBe(true);
    const h = exec.session.results.train as { steps: number; epochs: unknown[] };
    expect(h.steps).toBe(20);
    expect(existsSync(join(dir, 'ck.bwvm'))).toBe(true);
    expect(loadNative(join(dir, 'ck.bwvm')).nodes.length).toBeGreaterThan(5);
    const e = await run(exec, '%evaluate --limit 100');
    expect(e.outcome.status).toBe('ok');
    const ev = exec.session.results.evaluate as { accuracy: number; confusion: number[][]; n: number };
    expect(ev.n).toBe(100);
    expect(ev.confusion).toHaveLength(10);
    const html = e.result && 'data' in e.result ? (e.result.data['text/html'] as string) : '';
    expect(html).toContain('heatmap');
  }, 120_000);

  it('an interrupt stops %train within a second and keeps a usable model', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    // far more epochs than 1.5 s can run on any machine (5 lenet5 epochs on the bundled subset take
    // ~1.5 s on an idle 2-core machine), so the interrupt always lands mid-training
    const p = run(exec, '%train --epochs 10000');
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    await exec.interrupt();
    const r = await p;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.outcome.status).toBe('error');
    const ok = await run(exec, '%evaluate --limit 50');
    expect(ok.outcome.status).toBe('ok');
  }, 60_000);

  it('names a dataset/model shape mismatch', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model resnet20 --input-shape 3,32,32 --no-graph');
    const r = await run(exec, '%train --max-steps 1');
    expect(r.outcome.traceback!.join('\n')).toMatch(/takes samples \[3,32,32\]/);
  });
});
