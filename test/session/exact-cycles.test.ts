// Cycle budgets held on the simulator: with an estimate that under-reads (as the fitted cycle model
// does on vgg_small), the first plan simulates over the budget and the re-plans bring it within;
// a budget no plan meets on the simulator is an error naming the numbers. Real lenet5 plans, real
// library-mode simulations on bwdsp104x.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { allocate, analyzeGroups, applyPruning, groupScores, orderedGroups, roundCount } from '../../src/compress/index.js';
import type { Graph } from '../../src/ir/types.js';
import { cycleModel, simulateLayers } from '../../src/session/cycle-model.js';
import { meetSimulatedCycles, type SimulatedRound } from '../../src/session/exact-cycles.js';
import { getTarget } from '../../src/target/index.js';

describe('meetSimulatedCycles (lenet5, bwdsp104x)', () => {
  const t = getTarget('bwdsp104x');
  const g = zooModel('lenet5');
  const groups = analyzeGroups(g);
  const scores = groupScores(g, groups, 'l1');
  const setup = async (bias: number) => {
    const m = await cycleModel(g, t);
    const estimate = (x: Graph) => bias * m.cost(x);
    const plan = (limit: number) => {
      const p = allocate(g, groups, { strategy: 'uniform', limits: { cycles: limit }, scores, simd: t.macros, minKeep: 0.1, cycles: estimate });
      return { plan: p, graph: applyPruning(g, groups, p.keep) };
    };
    const simulate = async (x: Graph) => (await simulateLayers(x, t)).total;
    return { m, estimate, plan, simulate };
  };

  it('re-plans against a tighter estimate until the simulation is within the budget', async () => {
    const s = await setup(0.8); // the estimate reads 20 % low
    const budget = 0.6 * s.m.original;
    const seen: SimulatedRound[] = [];
    const r = await meetSimulatedCycles({ budget, plan: s.plan, estimate: s.estimate, simulate: s.simulate, onRound: (x) => seen.push(x) });
    expect(r.rounds).toEqual(seen);
    expect(r.rounds.length).toBeGreaterThan(1);
    expect(r.rounds[0]!.limit).toBe(budget);
    expect(r.rounds[0]!.simulated).toBeGreaterThan(budget); // the plan the estimate alone accepts is over
    for (let i = 1; i < r.rounds.length; i++) {
      const prev = r.rounds[i - 1]!;
      expect(r.rounds[i]!.limit).toBeCloseTo((budget * prev.estimated) / prev.simulated, 6);
      expect(r.rounds[i]!.limit).toBeLessThan(prev.limit);
    }
    const last = r.rounds[r.rounds.length - 1]!;
    expect(last.simulated).toBeLessThanOrEqual(budget);
    expect(await s.simulate(r.graph)).toBe(last.simulated);
    expect(last.estimated).toBeCloseTo(s.estimate(r.graph), 6);
  }, 240_000);

  it('an accurate estimate needs one plan; an unreachable budget is an error with the numbers', async () => {
    const s = await setup(1);
    const one = await meetSimulatedCycles({ budget: 0.9 * s.m.original, plan: s.plan, estimate: s.estimate, simulate: s.simulate });
    expect(one.rounds).toHaveLength(1);
    expect(one.rounds[0]!.simulated).toBeLessThanOrEqual(0.9 * s.m.original);
    // below the smallest plan's simulated cycles: an estimate reading half the real cycles accepts a
    // first plan, then no plan meets the tightened limit
    const minimal = applyPruning(g, groups, new Map(orderedGroups(g, groups).map((x) => [x.id, [...Array(roundCount(x.size, 0, t.macros, 0.1)).keys()]])));
    const budget = 0.9 * (await s.simulate(minimal));
    const low = await setup(0.5);
    await expect(meetSimulatedCycles({ budget, plan: low.plan, estimate: low.estimate, simulate: low.simulate }))
      .rejects.toThrow(/cycle budget \d+ is not met on the simulator: the plan estimated at \d+ simulated \d+ cycles, and a plan estimated at \d+ or less does not exist/);
    await expect(meetSimulatedCycles({ budget: 0.6 * s.m.original, plan: low.plan, estimate: low.estimate, simulate: low.simulate, rounds: 1 }))
      .rejects.toThrow(/not met on the simulator after 1 plans: the last simulated \d+ cycles/);
  }, 240_000);
});
