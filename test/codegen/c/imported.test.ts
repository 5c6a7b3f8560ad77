// Generated C for every PyTorch ONNX fixture (fixtures/onnx: lenet with dynamic batch and
// shape plumbing, mobileblock with concat/pad/hardsigmoid, resblock, seqmlp with MatMul and
// Softmax, upsampler with ConvTranspose and Resize), a Keras .h5 and a TF.js graph model, and a
// pruned zoo model (applyPruning)
// matches the reference executor after O2, compiled with strict gcc.
import { expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importOnnxFile } from '../../../src/frontend/onnx/index.js';
import { loadModel } from '../../../src/frontend/load.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { Rng } from '../../../src/bwdnn/zoo/rng.js';
import { analyzeGroups } from '../../../src/compress/groups.js';
import { applyPruning, type KeepPlan } from '../../../src/compress/prune.js';
import { describeWith } from '../../support/prereqs.js';
import { randomizeNorms } from '../../opt/support.js';
import { checkC } from './support.js';

const FIX = join(import.meta.dirname, '../../../fixtures/onnx');

describeWith(['gcc'], 'C backend: ONNX fixtures and pruned models vs reference', () => {
  // opset 13 of every architecture, plus opset 9 where the graph differs (Upsample, legacy Softmax + Transpose)
  for (const file of readdirSync(FIX).filter((f) => /_op13\.onnx$/.test(f) || /^(upsampler|seqmlp)_op9\.onnx$/.test(f)).sort()) {
    it(file, async () => {
      const r = checkC(await importOnnxFile(join(FIX, file)), 'O2');
      console.log(`${file}: maxAbs ${r.maxAbs.toExponential(2)} maxRel ${r.maxRel.toExponential(2)} arena ${r.model.arenaBytes} B (lower bound ${r.model.lowerBoundBytes} B)`);
      expect(r.maxRel).toBeLessThanOrEqual(1e-4);
    });
  }

  // Keras and TF.js imports (their NHWC->NCHW transposes, views and dense layers)
  for (const file of ['keras/functional.h5', 'tfjs/graph/model.json']) {
    it(file, async () => {
      const r = checkC(await loadModel(join(FIX, '..', file)), 'O2', { weights: 'blob' });
      expect(r.maxRel).toBeLessThanOrEqual(1e-4);
    });
  }

  it('pruned resnet20 (half the channels of every open group) is smaller and still matches', () => {
    const g = randomizeNorms(zooModel('resnet20', { input: [3, 16, 16], width: 0.25 }));
    const groups = analyzeGroups(g);
    const rng = new Rng(3);
    const plan: KeepPlan = new Map(groups.filter((x) => !x.locked).map((x) => [x.id, [...Array(x.size).keys()].filter(() => rng.next() < 0.5).concat([0]).filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b)]));
    const pruned = applyPruning(g, groups, plan);
    const full = checkC(g, 'O2', { weights: 'blob' });
    const r = checkC(pruned, 'O2', { weights: 'blob' });
    console.log(`pruned resnet20: maxRel ${r.maxRel.toExponential(2)} weights ${r.model.weightsBytes} B (unpruned ${full.model.weightsBytes} B) arena ${r.model.arenaBytes} B (unpruned ${full.model.arenaBytes} B)`);
    expect(r.maxRel).toBeLessThanOrEqual(1e-4);
    expect(r.model.weightsBytes).toBeLessThan(full.model.weightsBytes);
  });
});
