// The model zoo: every architecture verifies, infers [N, 10] logits for both input sizes,
// costs match hand counts, and the reference executor agrees with onnxruntime on the export.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { ZOO, zooModel } from '../../../src/bwdnn/zoo/index.js';
import { verifyGraph } from '../../../src/ir/verify.js';
import { graphCost } from '../../../src/ir/cost.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { exportOnnx } from '../../../src/frontend/onnx/export.js';
import { Rng } from '../../../src/bwdnn/zoo/rng.js';
import type { Tensor } from '../../../src/ir/types.js';

function randomInput(shape: number[], seed: number): Tensor {
  const r = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, () => r.normal()) };
}

describe('model zoo', () => {
  it('lenet5 parameter count and FLOPs match a hand count', () => {
    const g = zooModel('lenet5');
    const cost = graphCost(g);
    // conv1 6*1*5*5+6, conv2 16*6*5*5+16, fc 400*120+120, 120*84+84, 84*10+10
    expect(cost.params).toBe(156 + 2416 + 48120 + 10164 + 850);
    // MACs: conv1 6*28*28*25, conv2 16*10*10*150, fc 400*120 + 120*84 + 84*10; FLOPs = 2 * MACs
    const convAndFc = 2 * (6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10);
    const conv = cost.nodes.filter((n) => n.op === 'Conv' || n.op === 'Gemm').reduce((a, n) => a + n.flops, 0);
    expect(conv).toBeGreaterThanOrEqual(convAndFc); // bias adds may be counted on top
    expect(conv).toBeLessThanOrEqual(convAndFc + 2 * (6 * 28 * 28 + 16 * 100 + 120 + 84 + 10));
  });

  it('resnet20 has 19 convs on the main path, 2 projection shortcuts and 9 residual adds', () => {
    const g = zooModel('resnet20', { input: [3, 32, 32] });
    expect(g.nodes.filter((n) => n.op === 'Conv').length).toBe(19 + 2);
    expect(g.nodes.filter((n) => n.op === 'Add').length).toBe(9);
    expect(zooModel('plain20').nodes.filter((n) => n.op === 'Add').length).toBe(0);
  });

  it('is deterministic under a seed and differs across seeds', () => {
    const w = (s: number) => zooModel('vgg_small', { seed: s }).initializers.get('conv1.weight')!.data;
    expect(w(7)).toEqual(w(7));
    expect(w(7)).not.toEqual(w(8));
  });

  for (const z of ZOO) {
    for (const input of [[1, 28, 28], [3, 32, 32]] as [number, number, number][]) {
      it(`${z.name} ${input.join('x')}: verifies, [N,10] logits, reference == onnxruntime`, async () => {
        const g = z.build({ input, seed: 3 });
        expect(verifyGraph(g)).toEqual([]);
        expect(g.outputs[0]!.shape).toEqual(['N', 10]);
        const x = randomInput([2, ...input], 11);
        const want = run(g, { input: x }).logits!;
        const wd = want.data as Float32Array;
        expect(want.shape).toEqual([2, 10]);
        const s = await ort.InferenceSession.create(exportOnnx(g));
        const r = await s.run({ input: new ort.Tensor('float32', x.data as Float32Array, x.shape) });
        await s.release();
        const got = r.logits!.data as Float32Array;
        let err = 0, mag = 0;
        for (let i = 0; i < got.length; i++) { err = Math.max(err, Math.abs(got[i]! - wd[i]!)); mag = Math.max(mag, Math.abs(wd[i]!)); }
        expect(err / Math.max(mag, 1e-6)).toBeLessThan(1e-4);
      });
    }
  }
});
