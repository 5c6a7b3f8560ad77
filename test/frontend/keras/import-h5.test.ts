// Keras .h5 import: graph structure (NHWC inputs/outputs kept, NCHW inside) and numbers equal to
// an independent tfjs model built from the same file.
import { describe, expect, it } from 'vitest';
import { importKerasH5 } from '../../../src/frontend/keras/import-h5.js';
import { inferShapes, verifyGraph } from '../../../src/ir/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { maxRelError, randomInput, tfModelFromH5, toTf } from './oracle.js';
import type * as tf from '@tensorflow/tfjs';

const FIX = 'fixtures/keras';

async function compare(file: string, inputShape: number[]): Promise<void> {
  const g = inferShapes(await importKerasH5(`${FIX}/${file}`));
  expect(verifyGraph(g)).toEqual([]);
  expect(g.inputs.map((i) => i.shape)).toEqual([['N', ...inputShape.slice(1)]]);
  const model = await tfModelFromH5(`${FIX}/${file}`);
  for (const seed of [1, 2]) {
    const x = randomInput(inputShape, seed);
    const got = run(g, { [g.inputs[0]!.name]: x });
    const refs = model.predict(toTf(x));
    const want = (Array.isArray(refs) ? refs : [refs]) as tf.Tensor[];
    expect(g.outputs.length).toBe(want.length);
    g.outputs.forEach((o, i) => {
      const out = got[o.name]!;
      expect(out.shape).toEqual(want[i]!.shape);
      expect(maxRelError(out.data as Float32Array, want[i]!.dataSync())).toBeLessThanOrEqual(1e-4);
    });
  }
}

describe('Keras HDF5 importer', () => {
  it('imports the Keras 2.2 Sequential CNN with the same numbers as tfjs', async () => {
    await compare('sequential_cnn.h5', [2, 8, 8, 3]);
  });

  it('imports the tf.keras functional model (Add, Concatenate, depthwise/separable/transposed conv, BN) with the same numbers', async () => {
    await compare('functional.h5', [3, 8, 8, 4]);
  });

  it('keeps Keras inputs/outputs channels-last and converts convolutions to NCHW', async () => {
    const g = await importKerasH5(`${FIX}/functional.h5`);
    expect(g.outputs.map((o) => [o.name, o.shape])).toEqual([['probs', ['N', 5]], ['feat_tanh', ['N', 4, 4, 8]]]);
    const ops = g.nodes.map((n) => n.op);
    expect(ops[0]).toBe('Transpose');
    expect(ops.filter((o) => o === 'Conv').length).toBe(6);
    expect(ops).toContain('ConvTranspose');
    const dw = g.nodes.find((n) => n.name === 'dw')!;
    expect(dw.attrs.group).toBe(8);
    expect(g.initializers.get(dw.inputs[1]!)!.shape).toEqual([16, 1, 3, 3]);
    expect(g.meta.producer).toBe('keras 2.11.0');
  });

  it('the comparison notices a wrong weight (control)', async () => {
    const g = await importKerasH5(`${FIX}/sequential_cnn.h5`);
    const w = g.initializers.get(g.nodes.find((n) => n.name === 'conv2d_2')!.inputs[1]!)!;
    (w.data as Float32Array)[0]! += 0.5;
    const model = await tfModelFromH5(`${FIX}/sequential_cnn.h5`);
    const x = randomInput([2, 8, 8, 3], 7);
    const got = run(g, { [g.inputs[0]!.name]: x })[g.outputs[0]!.name]!;
    expect(maxRelError(got.data as Float32Array, (model.predict(toTf(x)) as tf.Tensor).dataSync())).toBeGreaterThan(1e-4);
  });
});
