// The exporter on graphs that did not come from ONNX (Keras .h5, TF.js layers and graph models,
// the model zoo): onnxruntime-node runs the exported bytes with the reference's outputs.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { loadModel } from '../../../src/frontend/load.js';
import { bindInputShapes } from '../../../src/ir/infer.js';
import { verifyGraph } from '../../../src/ir/verify.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import type { Tensor } from '../../../src/ir/types.js';
import { ZOO } from '../../../src/bwdnn/zoo/index.js';
import { maxRelErr, randTensor, runOrt } from '../../bwdnn/reference/ort-support.js';

const FIX = resolve(import.meta.dirname, '../../../fixtures');
const MODELS = ['keras/sequential_cnn.h5', 'keras/functional.h5', 'tfjs/layers_cnn/model.json', 'tfjs/layers_functional/model.json', 'tfjs/graph/model.json'];

describe('export of non-ONNX graphs runs in onnxruntime', () => {
  for (const m of MODELS) {
    const path = join(FIX, m);
    (existsSync(path) ? it : it.skip)(m, async () => {
      const g = await loadModel(path);
      bindInputShapes(g, Object.fromEntries(g.inputs.map((i) => [i.name, i.shape.map((d) => (typeof d === 'number' ? d : 2))])));
      expect(verifyGraph(g)).toEqual([]);
      const feeds: Record<string, Tensor> = Object.fromEntries(g.inputs.map((i, k) => [i.name, randTensor(i.shape as number[], 17 + k)]));
      const ref = run(g, feeds);
      const ort = await runOrt(g, feeds);
      for (const o of g.outputs) expect(maxRelErr(ort[o.name]!, ref[o.name]!)).toBeLessThanOrEqual(1e-4);
    });
  }

  for (const z of ZOO) {
    it(`zoo:${z.name}`, async () => {
      const g = z.build();
      bindInputShapes(g, Object.fromEntries(g.inputs.map((i) => [i.name, i.shape.map((d) => (typeof d === 'number' ? d : 1))])));
      expect(verifyGraph(g)).toEqual([]);
      const feeds: Record<string, Tensor> = Object.fromEntries(g.inputs.map((i, k) => [i.name, randTensor(i.shape as number[], 5 + k)]));
      const ref = run(g, feeds);
      const ort = await runOrt(g, feeds);
      for (const o of g.outputs) expect(maxRelErr(ort[o.name]!, ref[o.name]!)).toBeLessThanOrEqual(1e-4);
    });
  }
});
