// TF.js import: layers models (Keras topology + manifest) and graph models (GraphDef JSON) give
// the same numbers as tfjs itself loading the same folder (tf.loadLayersModel / loadGraphModel).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { importTfjs } from '../../../src/frontend/tfjs/import.js';
import { inferShapes, verifyGraph, type Graph } from '../../../src/ir/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { maxRelError, randomInput, tfReady, tfjsArtifacts, toTf } from '../keras/oracle.js';

const FIX = 'fixtures/tfjs';

function check(g: Graph, want: tf.Tensor[], x: ReturnType<typeof randomInput>): void {
  expect(verifyGraph(g)).toEqual([]);
  const got = run(g, { [g.inputs[0]!.name]: x });
  expect(g.outputs.length).toBe(want.length);
  g.outputs.forEach((o, i) => {
    expect(got[o.name]!.shape).toEqual(want[i]!.shape);
    expect(maxRelError(got[o.name]!.data as Float32Array, want[i]!.dataSync())).toBeLessThanOrEqual(1e-4);
  });
}

describe('TF.js importer', () => {
  for (const [dir, shape] of [['layers_cnn', [2, 8, 8, 3]], ['layers_functional', [2, 8, 8, 4]]] as const) {
    it(`imports the layers model ${dir} with the same numbers as tf.loadLayersModel`, async () => {
      await tfReady();
      const g = inferShapes(await importTfjs(`${FIX}/${dir}`));
      expect(g.meta.format).toBe('tfjs-layers');
      const model = await tf.loadLayersModel(tf.io.fromMemory(tfjsArtifacts(`${FIX}/${dir}`)));
      for (const seed of [3, 4]) {
        const x = randomInput([...shape], seed);
        const y = model.predict(toTf(x));
        check(g, (Array.isArray(y) ? y : [y]) as tf.Tensor[], x);
      }
    });
  }

  it('imports the graph model (fused conv, depthwise, FusedBatchNormV3, pools, concat, reshape, MatMul, Mean) with the same numbers as tf.loadGraphModel', async () => {
    await tfReady();
    const g = inferShapes(await importTfjs(`${FIX}/graph/model.json`));
    expect(g.meta.format).toBe('tfjs-graph');
    expect(g.inputs.map((i) => [i.name, i.shape])).toEqual([['input', ['N', 8, 8, 3]]]);
    expect(g.outputs.map((o) => o.name)).toEqual(['Identity', 'Identity_1']);
    const model = await tf.loadGraphModel(tf.io.fromMemory(tfjsArtifacts(`${FIX}/graph`)));
    for (const seed of [5, 6]) {
      const x = randomInput([3, 8, 8, 3], seed);
      check(g, model.execute(toTf(x), ['Identity', 'Identity_1']) as tf.Tensor[], x);
    }
  });
});
