// %compress with a DSP cycle budget (the simulator-calibrated cycle model on bwdsp104x) and the
// joint pruning + bit-width strategy, end to end in one session on lenet5.
import { describe, expect, it } from 'vitest';
import { makeExecutor, resultText, run } from '../support/harness.js';
import { MODELS } from '../../../src/session/models.js';
import { cycleModel, simulateLayers } from '../../../src/session/cycle-model.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { getTarget } from '../../../src/target/index.js';
import type { BudgetUse } from '../../../src/compress/index.js';
import type { LayerBits } from '../../../src/compress/quant/index.js';

const tb = (r: Awaited<ReturnType<typeof run>>) => (r.outcome.traceback ?? []).join('\n');

describe('%compress --cycles', () => {
  it('meets a cycle budget (estimate and simulation), names the smallest reachable value, needs a target', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const c = await run(exec, '%compress --cycles 0.6 --strategy uniform --verify-cycles --name lc');
    expect(c.outcome.status, tb(c)).toBe('ok');
    expect(resultText(c)).toContain('cycles');
    const plan = exec.session.results.compress as { budgets: BudgetUse[]; cycles: { simulated: number; estimated: number } };
    const b = plan.budgets.find((x) => x.budget === 'cycles')!;
    expect(b.ok).toBe(true);
    expect(b.value).toBeLessThanOrEqual(b.limit);
    expect(b.limit).toBeCloseTo(0.6 * b.original, 0);
    expect(b.value).toBeLessThan(b.original);
    // the estimate is the cycle model's value of the stored model, within 5 % of the simulation
    const cm = await cycleModel(zooModel('lenet5'), getTarget('bwdsp104x'));
    expect(cm.cost(exec.session.store.get(MODELS, 'lc')!.graph)).toBeCloseTo(b.value, 3);
    expect(Math.abs(plan.cycles.estimated / plan.cycles.simulated - 1)).toBeLessThan(0.05);
    const bad = await run(exec, '%compress --model lenet5 --cycles 100 --strategy uniform');
    expect(tb(bad)).toMatch(/--cycles 100\.0 \(smallest reachable: \d/);
    const noTarget = await run(exec, '%compress --model lenet5 --cycles 0.5 --strategy uniform --target nope');
    expect(tb(noTarget)).toMatch(/cycle budget needs a DSP target.*unknown target 'nope'/);
  }, 240_000);

  it('--exact-cycles: the budget holds on the simulator, as a fraction of the simulated cycles', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const c = await run(exec, '%compress --cycles 0.6 --strategy uniform --exact-cycles --name le');
    expect(c.outcome.status, tb(c)).toBe('ok');
    expect(c.stdout).toMatch(/estimate \d+, simulated \d+ on bwdsp104x \(within the budget of \d+\)/);
    const plan = exec.session.results.compress as { budgets: BudgetUse[]; cycles: { simulated: number; estimated: number; rounds: unknown[] } };
    const cm = await cycleModel(zooModel('lenet5'), getTarget('bwdsp104x'));
    const b = plan.budgets.find((x) => x.budget === 'cycles')!;
    expect(b.limit).toBeCloseTo(0.6 * cm.original, 6);
    expect(b.original).toBe(cm.original);
    expect(b.value).toBe(plan.cycles.simulated);
    expect(b.value).toBeLessThanOrEqual(b.limit);
    expect(plan.cycles.rounds.length).toBeGreaterThanOrEqual(1);
    // the stored model is the one simulated
    expect((await simulateLayers(exec.session.store.get(MODELS, 'le')!.graph, getTarget('bwdsp104x'))).total).toBe(plan.cycles.simulated);
    expect(tb(await run(exec, '%compress --model lenet5 --flops 0.5 --strategy uniform --exact-cycles'))).toMatch(/--exact-cycles needs a cycle budget/);
    expect(tb(await run(exec, '%compress --model lenet5 --cycles 0.5 --strategy joint --exact-cycles'))).toMatch(/--exact-cycles works with pruning strategies, not 'joint'/);
  }, 240_000);

  it('--exact-cycles with --progressive: the last stage re-plans until the result simulates within the budget', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    expect((await run(exec, '%sensitivity --engine ort --ratios 0.25:0.75:0.25 --samples 64')).outcome.status).toBe('ok');
    const c = await run(exec, '%compress --cycles 0.5 --strategy auto --progressive 2 --progressive-steps 5 --exact-cycles --name lp');
    expect(c.outcome.status, tb(c)).toBe('ok');
    expect(c.stdout).toMatch(/estimate \d+, simulated \d+ on bwdsp104x \(within the budget of \d+\)/);
    const plan = exec.session.results.compress as { budgets: BudgetUse[]; rows: unknown[]; cycles: { simulated: number; rounds: unknown[] } };
    const cm = await cycleModel(zooModel('lenet5'), getTarget('bwdsp104x'));
    const b = plan.budgets.find((x) => x.budget === 'cycles')!;
    expect(b.limit).toBeCloseTo(0.5 * cm.original, 6);
    expect([b.original, b.value, b.ok]).toEqual([cm.original, plan.cycles.simulated, true]);
    expect(b.value).toBeLessThanOrEqual(b.limit);
    expect(plan.rows.length).toBeGreaterThan(0); // one plan over the original layers
    expect((await simulateLayers(exec.session.store.get(MODELS, 'lp')!.graph, getTarget('bwdsp104x'))).total).toBe(plan.cycles.simulated);
  }, 240_000);

  it('joint: per-layer channels and bits meet the cycle budget and the model runs', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    expect((await run(exec, '%sensitivity --engine ort --ratios 0.25:0.75:0.25 --samples 64')).outcome.status).toBe('ok');
    const j = await run(exec, '%compress --strategy joint --cycles 0.3 --bits 32,16,8 --samples 64');
    expect(j.outcome.status, tb(j)).toBe('ok');
    expect(resultText(j)).toContain('joint plan');
    const r = exec.session.results.compress as { budgets: BudgetUse[]; bits: Record<string, LayerBits>; rows: { layer: string; channels: number; kept: number; bits: LayerBits }[]; accuracy: { compressed: number } };
    const b = r.budgets.find((x) => x.budget === 'cycles')!;
    expect(b.ok).toBe(true);
    expect(b.value).toBeLessThanOrEqual(0.3 * b.original * (1 + 1e-9));
    expect(r.rows.map((x) => x.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
    expect(r.rows.some((x) => x.bits < 32)).toBe(true);
    // recompute the budget from the stored model's channels and the plan's bits
    const cm = await cycleModel(zooModel('lenet5'), getTarget('bwdsp104x'));
    const stored = exec.session.store.get(MODELS, 'lenet5-joint')!.graph;
    const w = (n: string) => stored.initializers.get(stored.nodes.find((x) => x.name === n)!.inputs[1]!)!.shape[0];
    for (const row of r.rows) if (row.layer.startsWith('conv')) expect(w(row.layer)).toBe(row.kept);
    expect(cm.joint(zooModel('lenet5'), r.bits)).toBeGreaterThan(b.value); // pruning took part too
    expect(r.accuracy.compressed).toBeGreaterThan(0.3);
    const e = await run(exec, '%compare --samples 50');
    expect(e.outcome.status, tb(e)).toBe('ok');
    expect(tb(await run(exec, '%compress --model lenet5 --strategy joint --cycles 0.3 --bits 12'))).toMatch(/--bits: '12' is not 8, 16 or 32/);
  }, 240_000);
});
