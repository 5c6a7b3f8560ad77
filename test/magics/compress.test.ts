// The compression magics end to end in one session: sensitivity (cached, CSV), compress with
// each strategy under budgets, the compressed model runs, finetune, compare.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutor, resultText, run } from './support/harness.js';
import { MODELS } from '../../src/session/models.js';

describe('compression magics', () => {
  it('sensitivity -> compress (auto, uniform) -> finetune -> compare', async () => {
    const { exec } = makeExecutor();
    const dir = join(mkdtempSync(join(tmpdir(), 'bwvm-sens-')), 'not', 'yet');
    await run(exec, '%load_model lenet5 --no-graph');
    const s = await run(exec, `%sensitivity --engine ort --ratios 0.25:0.75:0.25 --samples 64 --csv ${join(dir, 's.csv')}`);
    expect(s.outcome.status).toBe('ok');
    const csv = readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('layer,group,channels,prune_ratio,kept_channels,accuracy,loss');
    expect(csv).toHaveLength(1 + 4 * 3); // conv1, conv2, fc1, fc2 (the classifier fc3 is locked) x 3 ratios
    const s2 = await run(exec, '%sensitivity --ratios 0.25:0.75:0.25 --samples 64');
    expect(s2.events.filter((e) => e.type === 'update_display_data').length).toBeLessThanOrEqual(2); // cached: nothing re-measured
    const c = await run(exec, '%compress --flops 0.5 --strategy auto');
    expect(c.outcome.status).toBe('ok');
    expect(resultText(c)).toContain('budgets');
    const plan = exec.session.results.compress as { budgets: { ok: boolean }[]; costs: { flops: number }; original: { flops: number } };
    expect(plan.budgets.every((b) => b.ok)).toBe(true);
    expect(plan.costs.flops).toBeLessThanOrEqual(plan.original.flops * 0.5);
    expect(exec.session.store.get(MODELS, 'lenet5-auto')).toBeDefined();
    await run(exec, '%compress --model lenet5 --flops 0.5 --strategy uniform');
    const f = await run(exec, '%finetune --model lenet5-uniform --max-steps 5');
    expect(f.outcome.status).toBe('ok');
    const cmp = await run(exec, '%compare --samples 100');
    expect(cmp.outcome.status).toBe('ok');
    expect((exec.session.results.compare as unknown[]).length).toBe(3);
  }, 240_000);

  it('progressive auto with the taylor criterion: staged, meets the budget, plan over the original layers', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    expect((await run(exec, '%sensitivity --criterion taylor --ratios 0.25:0.75:0.25 --samples 64')).outcome.status).toBe('ok');
    const c = await run(exec, '%compress --flops 0.4 --strategy auto --criterion taylor --progressive 2 --progressive-steps 3 --name lp');
    expect(c.outcome.status, c.outcome.traceback?.join('\n')).toBe('ok');
    const plan = exec.session.results.compress as { budgets: { ok: boolean }[]; costs: { flops: number }; original: { flops: number }; rows: { channels: number; kept: number }[] };
    expect(plan.budgets.every((b) => b.ok)).toBe(true);
    expect(plan.costs.flops).toBeLessThanOrEqual(plan.original.flops * 0.4);
    expect(plan.rows.some((r) => r.kept < r.channels)).toBe(true);
    expect(exec.session.store.get(MODELS, 'lp')).toBeDefined();
    expect((await run(exec, '%compress --model lenet5 --flops 0.5 --strategy uniform --progressive 2')).outcome.traceback!.join('\n')).toMatch(/--progressive works with --strategy auto/);
  }, 240_000);

  it('sensitivity after a short fine-tune per point (--recover-steps): recomputed, labelled, the model untouched', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    await run(exec, '%dataset fashion-mnist --subset bundled');
    const m = exec.session.store.get(MODELS, 'lenet5')!;
    const w0 = Float32Array.from(m.graph.initializers.values().next().value!.data as Float32Array);
    await run(exec, '%sensitivity --ratios 0.5 --samples 64');
    const plain = exec.session.results.sensitivity as { recovery?: string; base: { loss: number } };
    const r = await run(exec, '%sensitivity --ratios 0.5 --samples 64 --recover-steps 3');
    expect(r.outcome.status, r.outcome.traceback?.join('\n')).toBe('ok');
    const rec = exec.session.results.sensitivity as { recovery?: string; base: { loss: number }; curves: unknown[] };
    expect(plain.recovery).toBeUndefined();
    expect(rec.recovery).toBe('3 fine-tune steps');
    expect(rec.base.loss).not.toBe(plain.base.loss);
    expect(rec.curves).toHaveLength(4);
    expect(Float32Array.from(m.graph.initializers.values().next().value!.data as Float32Array)).toEqual(w0);
    expect((await run(exec, '%sensitivity --recover-steps 2.5')).outcome.traceback!.join('\n')).toMatch(/whole number of SGD steps/);
  }, 240_000);

  it('errors: auto without curves, infeasible budget, unknown strategy', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    expect((await run(exec, '%compress --flops 0.5')).outcome.traceback!.join('\n')).toMatch(/run %sensitivity/);
    expect((await run(exec, '%compress --params 50 --strategy uniform')).outcome.traceback!.join('\n')).toMatch(/smallest reachable/);
    expect((await run(exec, '%compress --flops 0.5 --strategy greedy')).outcome.traceback!.join('\n')).toMatch(/auto, uniform|uniform, shallow/);
  });
});
