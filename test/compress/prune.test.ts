// Dependency groups and physical pruning: pruned graphs are smaller, run, equal the masked-weight
// original exactly (same kept channels) on plain, residual, depthwise and concat graphs, and
// export to ONNX with the same outputs in onnxruntime.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { Rng } from '../../src/bwdnn/zoo/rng.js';
import { run } from '../../src/bwdnn/reference/run.js';
import { graphCost } from '../../src/ir/cost.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { exportOnnx } from '../../src/frontend/onnx/export.js';
import { importOnnxFile } from '../../src/frontend/onnx/import.js';
import { analyzeGroups, type ChannelGroup } from '../../src/compress/groups.js';
import { applyPruning, maskedCopy, type KeepPlan } from '../../src/compress/prune.js';
import type { Graph, Tensor } from '../../src/ir/types.js';

const ROOT = resolve(import.meta.dirname, '../..');

function randomPlan(groups: ChannelGroup[], seed: number, ratio = 0.5): KeepPlan {
  const r = new Rng(seed);
  const plan: KeepPlan = new Map();
  for (const g of groups) {
    if (g.locked) continue;
    const idx = [...Array(g.size).keys()].sort(() => r.next() - 0.5).slice(0, Math.max(1, Math.round(g.size * ratio))).sort((a, b) => a - b);
    plan.set(g.id, idx);
  }
  return plan;
}

function input(g: Graph, n: number, seed: number): Tensor {
  const b0 = g.inputs[0]!.shape[0];
  const shape = [typeof b0 === 'number' ? b0 : n, ...(g.inputs[0]!.shape.slice(1) as number[])];
  const r = new Rng(seed);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()) };
}

/** BN statistics away from identity so masked-vs-pruned also exercises them. */
function perturbBn(g: Graph): Graph {
  const r = new Rng(9);
  for (const n of g.nodes) if (n.op === 'BatchNormalization') for (const i of [1, 2, 3, 4]) {
    const d = g.initializers.get(n.inputs[i]!)!.data as Float32Array;
    for (let k = 0; k < d.length; k++) d[k] = i === 4 ? 0.5 + r.next() : i === 1 ? 0.5 + r.next() : r.normal() * 0.3;
  }
  return g;
}

const MODELS: [string, () => Graph][] = [
  ['lenet5', () => zooModel('lenet5')],
  ['vgg_small', () => perturbBn(zooModel('vgg_small', { width: 0.5 }))],
  ['resnet20 (residual adds)', () => perturbBn(zooModel('resnet20', { width: 0.5 }))],
  ['mobilenet (depthwise)', () => perturbBn(zooModel('mobilenet', { width: 0.5 }))],
  ['PyTorch mobileblock (concat, depthwise, hardswish)', () => importOnnxFile(resolve(ROOT, 'fixtures/onnx/mobileblock_op13.onnx'))],
  ['PyTorch resblock', () => importOnnxFile(resolve(ROOT, 'fixtures/onnx/resblock_op13.onnx'))],
];

describe('dependency groups', () => {
  it('resnet20: stages merged through the residual adds, inner convs separate, classifier locked', () => {
    const groups = analyzeGroups(zooModel('resnet20'));
    const open = groups.filter((g) => !g.locked);
    expect(open).toHaveLength(9 + 3);
    const stage1 = open.find((g) => g.producers.includes('conv1'))!;
    expect(stage1.producers).toHaveLength(1 + 3); // stem + the second conv of each stage-1 block
    expect(groups.find((g) => g.producers.includes('fc1'))!.locked).toBe(true);
  });

  it('vgg_small: one group per conv, the flatten -> dense columns follow the last conv', () => {
    const groups = analyzeGroups(zooModel('vgg_small'));
    expect(groups.filter((g) => !g.locked)).toHaveLength(6);
    const last = groups.find((g) => g.producers.includes('conv6'))!;
    const fcIn = last.members.find((m) => m.role === 'in' && m.node === 'fc1')!;
    expect(fcIn.block).toBe(9); // 128 channels x 3 x 3 features
  });
});

describe('physical pruning', () => {
  for (const [title, make] of MODELS) {
    it(`${title}: pruned == masked original exactly, smaller, verifies, ONNX export agrees`, async () => {
      const g = make();
      const groups = analyzeGroups(g);
      const plan = randomPlan(groups, 3);
      expect(plan.size).toBeGreaterThan(0);
      const pruned = applyPruning(g, groups, plan);
      const masked = maskedCopy(g, groups, plan);
      expect(verifyGraph(pruned)).toEqual([]);
      expect(graphCost(pruned).params).toBeLessThan(graphCost(g).params);
      expect(graphCost(pruned).flops).toBeLessThan(graphCost(g).flops);
      const x = input(g, 2, 5);
      const out = g.outputs[0]!.name;
      const a = run(pruned, { [g.inputs[0]!.name]: x })[out]!.data as Float32Array;
      const b = run(masked, { [g.inputs[0]!.name]: x })[out]!.data as Float32Array;
      expect(Array.from(a)).toEqual(Array.from(b));
      const s = await ort.InferenceSession.create(exportOnnx(pruned));
      const r = await s.run({ [g.inputs[0]!.name]: new ort.Tensor('float32', x.data as Float32Array, x.shape) });
      await s.release();
      const o = r[out]!.data as Float32Array;
      let err = 0;
      for (let i = 0; i < o.length; i++) err = Math.max(err, Math.abs(o[i]! - a[i]!) / Math.max(1, Math.abs(a[i]!)));
      expect(err).toBeLessThan(1e-4);
    }, 60_000);
  }

  it('refuses to prune a locked group or to empty one', () => {
    const g = zooModel('lenet5');
    const groups = analyzeGroups(g);
    const locked = groups.find((x) => x.locked)!;
    expect(() => applyPruning(g, groups, new Map([[locked.id, [0]]]))).toThrow(/locked/);
    const open = groups.find((x) => !x.locked)!;
    expect(() => applyPruning(g, groups, new Map([[open.id, []]]))).toThrow(/no channel/);
  });
});
