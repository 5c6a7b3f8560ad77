// Generated mode on every zoo model, pruned models included (issue #8): each model is lowered by
// lowerToDsp, run whole on the real simulator and equals the reference executor (max rel err
// <= 1e-4). Small inputs and widths keep each model to seconds; pruned models are physically
// channel-pruned at ~50 % FLOPs by the compression API (uneven channel counts, simd 1).
// mobilenet's depthwise convs are fused groups too (depthwise kernel, BN folded, activation fused).
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel, zooNames, type ZooOptions } from '../../../src/bwdnn/zoo/index.js';
import { allocate, analyzeGroups, applyPruning, importance, modelCosts, resolveBudgets } from '../../../src/compress/index.js';
import { lowerToDsp } from '../../../src/codegen/dsp/index.js';
import type { Graph } from '../../../src/ir/index.js';
import { findOverlaps } from '../../../src/memory/index.js';
import { optimize } from '../../../src/opt/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

const SMALL: Record<string, ZooOptions> = {
  lenet5: { input: [1, 16, 16] },
  vgg_small: { input: [3, 8, 8], width: 0.25 },
  plain20: { input: [3, 8, 8], width: 0.25 },
  resnet20: { input: [3, 8, 8], width: 0.25 },
  mobilenet: { input: [3, 8, 8], width: 0.25 },
};

async function generatedVsReference(g: Graph) {
  const shape = [1, ...(g.inputs[0]!.shape.slice(1) as number[])];
  const x = rand(shape.reduce((a, b) => a * b, 1), 11);
  const m = lowerToDsp(optimize(g, 'O1').graph, T);
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  expect(findOverlaps(m.plan.placements)).toEqual([]);
  return { m, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

/** Physically channel-pruned copy at <= 50 % of the FLOPs (uniform L1 plan, any channel count). */
function pruned(g: Graph): Graph {
  const groups = analyzeGroups(g);
  const scores = new Map(groups.filter((x) => !x.locked).map((x) => [x.id, importance(g, x, 'l1')]));
  const limits = resolveBudgets({ flops: 0.5 }, modelCosts(g), g);
  const plan = allocate(g, groups, { strategy: 'uniform', limits, scores, simd: 1 });
  expect(plan.budgets.every((b) => b.ok)).toBe(true);
  const p = applyPruning(g, groups, plan.keep);
  expect(modelCosts(p).flops).toBeLessThanOrEqual(0.5 * modelCosts(g).flops);
  return p;
}

describe('generated mode: every zoo model equals the reference executor', () => {
  test('the table covers the whole zoo', () => {
    expect(Object.keys(SMALL).sort()).toEqual(zooNames().sort());
  });
  for (const name of Object.keys(SMALL)) {
    test(name, async () => {
      const { m, err } = await generatedVsReference(zooModel(name, SMALL[name]));
      expect(err).toBeLessThanOrEqual(1e-4);
      // mobilenet: 5 depthwise + 6 other convs, each one fused layer: no BN or activation runs on its own
      if (name === 'mobilenet') {
        expect(m.layers.filter((l) => l.op.startsWith('Conv+BatchNormalization+')).length).toBe(11);
        expect(m.layers.filter((l) => /^(BatchNormalization|Clip|Relu|Conv)$/.test(l.op))).toEqual([]);
      }
    });
  }
});

describe('generated mode: channel-pruned zoo models (~50 % FLOPs) equal the reference executor', () => {
  for (const name of Object.keys(SMALL)) {
    test(`${name}, pruned`, async () => {
      expect((await generatedVsReference(pruned(zooModel(name, SMALL[name])))).err).toBeLessThanOrEqual(1e-4);
    });
  }
});
