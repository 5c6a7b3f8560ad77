// The onnxruntime forward engine agrees with the reference executor (and evaluate() through it).
import { describe, expect, it } from 'vitest';
import { ortRunner } from '../../../src/frontend/onnx/runtime.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { evaluate } from '../../../src/bwdnn/train/evaluate.js';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';

describe('ort engine', () => {
  it('runs zoo models like the reference and evaluates the same', async () => {
    const ds = slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, 40);
    for (const name of ['lenet5', 'resnet20']) {
      const g = zooModel(name, { width: 0.5 });
      const r = await ortRunner(g);
      const x = { dtype: 'float32' as const, shape: [4, 1, 28, 28], data: ds.images.subarray(0, 4 * 784) };
      const a = (await r.run({ input: x })).logits!.data as Float32Array;
      const b = run(g, { input: x }).logits!.data as Float32Array;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i]!)));
      const viaOrt = await evaluate(g, ds, { forward: async (t) => (await r.run({ input: t })).logits!.data as Float32Array });
      const viaRef = await evaluate(g, ds);
      expect(viaOrt.accuracy).toBe(viaRef.accuracy);
      expect(viaOrt.loss).toBeCloseTo(viaRef.loss, 4);
      await r.release();
    }
  }, 60_000);

  it('names an unsupported feed', async () => {
    const r = await ortRunner(zooModel('lenet5'));
    await expect(r.run({ input: { dtype: 'int32', shape: [1, 1, 28, 28], data: new Int32Array(784) } })).rejects.toThrow(/float32/);
    await r.release();
  });
});
