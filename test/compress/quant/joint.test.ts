// Joint pruning + bit-width allocation on the trained lenet5: costs count bits (8-bit weights =
// 1 byte, int8 MACs 1/4 of fp32), fake quantization tracks the integer model, every plan meets
// every budget (re-measured on the applied model), and at one cycle budget the joint plan and a
// pruning-only `auto` plan are both feasible and their measured accuracy/loss is compared.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Graph } from '../../../src/ir/types.js';
import { slice } from '../../../src/bwdnn/data/index.js';
import { evaluate } from '../../../src/bwdnn/train/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import { analyzeGroups, groupScores, sensitivity, allocate, applyPruning, type SensitivityResult } from '../../../src/compress/index.js';
import { bitSensitivity, fakeQuantize, quantLayers, type BitSensitivity } from '../../../src/compress/quant/bit-sensitivity.js';
import { jointCosts, macCycles, jointBudgetValue } from '../../../src/compress/quant/joint-costs.js';
import { allocateJoint, applyJoint, resolveJointBudgets } from '../../../src/compress/quant/joint.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import type { BudgetName } from '../../../src/compress/budgets.js';
import { asTensor, calibSplit, testSet, trainSet, trainedLenet } from './support.js';

const g = trainedLenet();
const groups = analyzeGroups(g);
const scores = groupScores(g, groups, 'l1');
const val = slice(trainSet, 1400, 120); // never the calibration split (the last 256) nor the test set
const evalVal = async (x: Graph) => { const e = await evaluate(x, val); return { accuracy: e.accuracy, loss: e.loss }; };
const calib = calibSplit(128);
let curves: SensitivityResult, bitCurves: BitSensitivity;

beforeAll(async () => {
  curves = await sensitivity(g, groups, { keeps: [0.25, 0.5, 0.75], criterion: 'l1', scores, evaluate: evalVal });
  bitCurves = await bitSensitivity(g, { evaluate: evalVal, calib });
}, 120_000);

describe('joint costs and fake quantization', () => {
  test('8-bit weights count 1 byte, 16-bit 2; int8 MACs cost 1/4 and int16 1/2 of fp32', () => {
    const layers = quantLayers(g), all = (b: 8 | 16) => Object.fromEntries(layers.map((l) => [l, b]));
    const f32 = jointCosts(g, {}), c8 = jointCosts(g, all(8)), c16 = jointCosts(g, all(16));
    const wElems = layers.reduce((a, l) => a + g.initializers.get(g.nodes.find((n) => n.name === l)!.inputs[1]!)!.data.length, 0);
    expect(f32.bytes - c8.bytes).toBe(wElems * 3);
    expect(f32.bytes - c16.bytes).toBe(wElems * 2);
    expect(c8.params).toBe(f32.params);
    const other = f32.flops - (4 / 3) * (f32.flops - c8.flops); // flops outside Conv/Gemm
    expect(c16.flops).toBeCloseTo(other + (f32.flops - other) / 2, 6);
    expect(macCycles(g, all(8))).toBeCloseTo(c8.flops / 2, 6);
  });

  test('fake quantization (all layers 8 or 16 bits) tracks the integer model', () => {
    const stats = collectStats(g, calib), x = calibSplit(16);
    for (const b of [8, 16] as const) {
      const sim = run(fakeQuantize(g, stats, Object.fromEntries(quantLayers(g).map((l) => [l, b]))), { input: x }).logits!.data as Float32Array;
      const int = runQuantized(lowerToInteger(g, stats, { bits: b }), x).output.data as Float32Array;
      const flt = run(g, { input: x }).logits!.data as Float32Array;
      const range = flt.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const d = (a: Float32Array, c: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - c[i]!)), 0) / range;
      console.log(`int${b}: fake-quant vs integer ${(100 * d(sim, int)).toFixed(3)} %, vs float ${(100 * d(sim, flt)).toFixed(3)} % of |logit|max`);
      expect(d(sim, int)).toBeLessThan(b === 8 ? 0.05 : 1e-3);
    }
  });

  test('bit sensitivity: one row per Conv/Gemm, int16 never costs more than a sliver beyond int8', () => {
    expect(bitCurves.layers.map((l) => l.layer)).toEqual(quantLayers(g));
    for (const l of bitCurves.layers) {
      expect(l.loss[8]).toBeGreaterThanOrEqual(0);
      expect(l.loss[16]).toBeLessThanOrEqual(l.loss[8] + 0.01);
    }
  });
});

describe('allocateJoint', () => {
  const budgets: Partial<Record<BudgetName, number>>[] = [{ cycles: 0.3 }, { bytes: 0.2 }, { cycles: 0.15, bytes: 0.3 }, { flops: 0.5, onchip: 0.5 }];
  for (const b of budgets) {
    test(`plan meets every budget ${JSON.stringify(b)} (re-measured on the applied model)`, () => {
      const limits = resolveJointBudgets(g, b);
      const plan = allocateJoint(g, groups, { limits, scores, curves, bitCurves, simd: 2 });
      expect(plan.budgets.every((u) => u.ok)).toBe(true);
      const applied = applyJoint(g, groups, plan, calib);
      const c = jointCosts(applied.pruned, plan.bits);
      for (const [k, lim] of Object.entries(limits) as [BudgetName, number][]) expect(jointBudgetValue(k, c, applied.pruned, plan.bits)).toBeLessThanOrEqual(lim * (1 + 1e-9));
      expect(plan.rows.map((r) => r.layer)).toEqual(quantLayers(g));
      for (const r of plan.rows) expect(r.kept).toBeLessThanOrEqual(r.channels);
      if (applied.model) expect(applied.model.nodes.filter((n) => n.weight).map((n) => n.weight!.dtype)).toEqual(plan.rows.map((r) => (r.bits === 16 ? 'int16' : 'int8')));
      console.log(`${JSON.stringify(b)}: ${plan.rows.map((r) => `${r.layer} ${r.kept}/${r.channels}@${r.bits}`).join(', ')}; predicted loss +${plan.predictedLoss.toFixed(3)}`);
    });
  }

  test('an unreachable budget is a BUDGET_INFEASIBLE error; bits [32] never quantizes', () => {
    expect(() => allocateJoint(g, groups, { limits: resolveJointBudgets(g, { cycles: 0.001 }), scores, curves, bitCurves })).toThrow(/cannot meet the budget/);
    const p = allocateJoint(g, groups, { limits: resolveJointBudgets(g, { cycles: 0.5 }), scores, curves, bitCurves, bits: [32] });
    expect(Object.values(p.bits).every((x) => x === 32)).toBe(true);
    expect(p.budgets[0]!.ok).toBe(true);
  });

  test('same cycle budget: joint plan vs pruning-only auto, both feasible, measured on the test split', async () => {
    const test = slice(testSet, 0, 300), limits = resolveJointBudgets(g, { cycles: 0.3 });
    const prune = allocate(g, groups, { strategy: 'auto', limits, scores, curves, simd: 2, cycles: (x) => macCycles(x, {}) });
    expect(prune.budgets.every((u) => u.ok)).toBe(true);
    const joint = allocateJoint(g, groups, { limits, scores, curves, bitCurves, simd: 2 });
    expect(joint.budgets.every((u) => u.ok)).toBe(true);
    const applied = applyJoint(g, groups, joint, calib);
    const base = await evaluate(g, test), p = await evaluate(applyPruning(g, groups, prune.keep), test), j = await evaluate(applied.simulated, test);
    const row = (n: string, e: { accuracy: number; loss: number }, cyc: number) => `${n}: acc ${(100 * e.accuracy).toFixed(1)} %, loss ${e.loss.toFixed(3)}, cycles ${(100 * cyc).toFixed(1)} %`;
    console.log([row('fp32', base, 1), row('pruning-only auto', p, prune.budgets[0]!.value / prune.budgets[0]!.original), row('joint', j, joint.budgets[0]!.value / joint.budgets[0]!.original)].join('\n'));
    for (const e of [p, j]) { expect(e.accuracy).toBeGreaterThanOrEqual(0); expect(e.accuracy).toBeLessThanOrEqual(1); expect(Number.isFinite(e.loss)).toBe(true); }
    if (applied.model) {
      const y = runQuantized(applied.model, asTensor(test)).output.data as Float32Array;
      let ok = 0;
      for (let i = 0; i < test.n; i++) { let k = 0; for (let c = 1; c < 10; c++) if (y[i * 10 + c]! > y[i * 10 + k]!) k = c; if (k === test.labels[i]) ok++; }
      console.log(`joint, integer model: acc ${(100 * ok / test.n).toFixed(1)} %`);
      expect(Math.abs(ok / test.n - j.accuracy)).toBeLessThan(0.05);
    }
  }, 60_000);
});
