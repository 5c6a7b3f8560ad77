// The calibrated DSP cycle model against the real library-mode simulation: lenet5 unpruned and
// pruned to a channel pattern the calibration never ran, at fp32 and with per-layer precisions.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { analyzeGroups, applyPruning, orderedGroups, roundCount } from '../../src/compress/index.js';
import { BIT_CYCLE_FACTOR, cycleModel, simulateLayers } from '../../src/session/cycle-model.js';
import { getTarget } from '../../src/target/index.js';

/** The stated accuracy (docs/compression.md): within 5 % of the simulated total on lenet5. */
const TOLERANCE = 0.05;

describe('cycleModel (lenet5, bwdsp104x)', () => {
  const t = getTarget('bwdsp104x');
  const g = zooModel('lenet5');
  it('estimates the unpruned and an unseen pruned lenet5 within tolerance of runLibrary', async () => {
    const m = await cycleModel(g, t);
    expect(m.runs).toHaveLength(5);
    expect(m.cost(g)).toBeGreaterThan(0);
    expect(Math.abs(m.cost(g) / m.original - 1)).toBeLessThan(TOLERANCE);
    const groups = analyzeGroups(g), order = orderedGroups(g, groups);
    const keeps = [0.67, 0.5, 0.3, 0.6];
    const pruned = applyPruning(g, groups, new Map(order.map((x, i) => [x.id, [...Array(roundCount(x.size, keeps[i % keeps.length]!, t.macros, 0.1)).keys()]])));
    const sim = await simulateLayers(pruned, t);
    const est = m.cost(pruned);
    console.log(`lenet5 pruned: simulated ${sim.total}, estimated ${est.toFixed(0)} (${(100 * (est / sim.total - 1)).toFixed(2)} %); calibration`, m.runs);
    expect(sim.total).toBeLessThan(m.original * 0.8);
    expect(Math.abs(est / sim.total - 1)).toBeLessThan(TOLERANCE);
    // per layer: the big layers (>= 10 % of the total) within 15 %
    for (const l of m.layers(pruned)) {
      const s = sim.layers.get(l.node)!;
      if (s > 0.1 * sim.total) expect(Math.abs(l.cycles / s - 1)).toBeLessThan(0.15);
    }
  }, 120_000);
  it('scales Conv/Gemm layers by the precision factors and is cached', async () => {
    const m = await cycleModel(g, t);
    expect(await cycleModel(zooModel('lenet5'), t)).toBe(m);
    const layers = m.layers(g), conv = layers.filter((l) => l.op === 'Conv' || l.op === 'Gemm');
    const all8 = Object.fromEntries(conv.map((l) => [l.node, 8 as const]));
    const saved = conv.reduce((a, l) => a + l.cycles * (1 - BIT_CYCLE_FACTOR[8]), 0);
    expect(m.joint(g, all8)).toBeCloseTo(m.cost(g) - saved, 3);
    expect(m.joint(g, {})).toBeCloseTo(m.cost(g), 6);
  }, 60_000);
});
