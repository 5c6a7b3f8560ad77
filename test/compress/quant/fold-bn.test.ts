// BN folding: the folded float graph equals the original on the reference executor (zoo nets
// with non-trivial BN statistics, and a hand-built Gemm + BN with transB 0 / beta != 1), BN
// nets then lower to the integer model, and int8/int16 PTQ of a small resnet20 exports QDQ
// ONNX that onnxruntime-node runs in agreement with the fixed-point reference.
import { describe, expect, test } from 'vitest';
import type { Graph, Tensor } from '../../../src/ir/types.js';
import { createGraph } from '../../../src/ir/graph.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { Rng } from '../../../src/bwdnn/zoo/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import { slice } from '../../../src/bwdnn/data/index.js';
import { ortRunner } from '../../../src/frontend/onnx/index.js';
import { foldBatchNorm } from '../../../src/compress/quant/fold-bn.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { toQdqGraph } from '../../../src/compress/quant/qdq.js';
import { asTensor, calibSplit, testSet } from './support.js';

/** Give every BN random gamma/beta/mean/var so folding is not a no-op. */
function randomizeBn(g: Graph, seed = 3): Graph {
  const r = new Rng(seed);
  for (const n of g.nodes.filter((x) => x.op === 'BatchNormalization')) {
    const [gm, bt, mu, vr] = n.inputs.slice(1).map((i) => g.initializers.get(i)!.data as Float32Array);
    for (let c = 0; c < gm!.length; c++) { gm![c] = 0.5 + r.next(); bt![c] = r.normal() * 0.2; mu![c] = r.normal() * 0.1; vr![c] = 0.5 + r.next(); }
  }
  return g;
}

const x = asTensor(slice(testSet, 0, 8));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('foldBatchNorm', () => {
  for (const name of ['vgg_small', 'resnet20', 'mobilenet']) {
    test(`${name}: folded fp32 graph == original (reference executor), original untouched`, () => {
      const g = randomizeBn(zooModel(name, { width: 0.25, seed: 2 }));
      const nBn = g.nodes.filter((n) => n.op === 'BatchNormalization').length;
      const before = run(g, { input: x }).logits!.data as Float32Array;
      const { graph, folded } = foldBatchNorm(g);
      expect(folded.length).toBe(nBn);
      expect(graph.nodes.some((n) => n.op === 'BatchNormalization')).toBe(false);
      expect(g.nodes.filter((n) => n.op === 'BatchNormalization').length).toBe(nBn);
      const after = run(graph, { input: x }).logits!.data as Float32Array;
      expect(maxDiff(before, after)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(before)));
      expect(Array.from(run(g, { input: x }).logits!.data as Float32Array)).toEqual(Array.from(before));
    });
  }

  test('Gemm (transB 0, beta 0.5, bias) + BN folds exactly; a BN with two readers of its conv is left alone', () => {
    const r = new Rng(9);
    const t = (name: string, shape: number[], f: () => number) => ({ name, dtype: 'float32' as const, shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, f) });
    const inits = [t('W', [6, 4], () => r.normal()), t('B', [4], () => r.normal()), t('g', [4], () => 0.5 + r.next()), t('b', [4], () => r.normal()), t('m', [4], () => r.normal()), t('v', [4], () => 0.5 + r.next())];
    const g = createGraph({
      name: 'gemm-bn', inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 6] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 4] }],
      initializers: new Map(inits.map((i) => [i.name, i])),
      nodes: [
        { name: 'fc', op: 'Gemm', inputs: ['input', 'W', 'B'], outputs: ['h'], attrs: { transB: 0, alpha: 2, beta: 0.5 } },
        { name: 'bn', op: 'BatchNormalization', inputs: ['h', 'g', 'b', 'm', 'v'], outputs: ['y'], attrs: { epsilon: 1e-3 } },
      ],
    });
    const xin: Tensor = { dtype: 'float32', shape: [3, 6], data: Float32Array.from({ length: 18 }, () => r.normal()) };
    const ref = run(g, { input: xin }).y!.data as Float32Array;
    const { graph, folded } = foldBatchNorm(g);
    expect(folded).toEqual([{ bn: 'bn', into: 'fc' }]);
    expect(maxDiff(ref, run(graph, { input: xin }).y!.data as Float32Array)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(ref)));
    // the Gemm output also read elsewhere: folding would change that reader, so BN stays
    g.outputs.push({ name: 'h', dtype: 'float32', shape: ['N', 4] });
    expect(foldBatchNorm(g).folded).toEqual([]);
  });
});

describe('PTQ of a batch-norm network', () => {
  const g = randomizeBn(zooModel('resnet20', { width: 0.25, seed: 2 }));
  const stats = collectStats(g, calibSplit(64));
  const xs = calibSplit(16); // calibrated images: no clipping, so the integer error is rounding only
  for (const bits of [8, 16] as const) for (const perChannel of [true, false]) {
    test(`resnet20 (width 0.25) int${bits} ${perChannel ? 'per-channel' : 'per-tensor'}: lowers, runs, and its QDQ export agrees with onnxruntime-node`, async () => {
      const m = lowerToInteger(g, stats, { bits, perChannel });
      expect(m.nodes.some((n) => n.op === 'Add')).toBe(true);
      const s = m.values.get('logits')!.quant.scale[0]!;
      const fixed = runQuantized(m, xs).output.data as Float32Array;
      const qdq = toQdqGraph(m);
      // the bwDNN executor holds the int64 parts of an int16 export as BigInt64Arrays (slow): 4 images
      const nRef = bits === 8 ? 16 : 4;
      const viaRef = run(qdq, { input: { ...xs, shape: [nRef, ...xs.shape.slice(1)], data: (xs.data as Float32Array).subarray(0, (xs.data.length / 16) * nRef) } }).logits!.data as Float32Array;
      const r = await ortRunner(qdq);
      const viaOrt = (await r.run({ input: xs })).logits!.data as Float32Array;
      await r.release();
      const steps = maxDiff(viaOrt, fixed) / s;
      const refSteps = maxDiff(viaRef, fixed.subarray(0, viaRef.length)) / s;
      // float reference (BN unfolded) vs integer model
      const float = run(g, { input: xs }).logits!.data as Float32Array;
      const rel = maxDiff(float, fixed) / maxAbs(float);
      console.log(`resnet20/0.25 int${bits} ${perChannel ? 'per-channel' : 'per-tensor'}: ort vs fixed max ${steps.toFixed(2)} steps; bwdnn-qdq vs fixed max ${refSteps.toFixed(2)} steps; fixed vs float max ${(100 * rel).toFixed(2)} % of |logit|max`);
      // 21 requantizations and 9 residual Adds deep: the export's integer Add rounds each input
      // as the reference does (a float Add between DequantizeLinear and QuantizeLinear rounded the
      // sum once: 3 steps at the logits), so onnxruntime agrees within one step (measured: 0; the
      // bound leaves float32 rounding of the dequantized logits)
      // and 16-bit Conv/Gemm/GlobalAveragePool are exact int64 subgraphs (a float32 Conv flipped
      // some roundings: 2-3 steps at the logits)
      expect(steps).toBeLessThanOrEqual(1.01);
      expect(refSteps).toBeLessThanOrEqual(1.01);
      expect(rel).toBeLessThan(bits === 8 ? 0.1 : 1e-3);
    }, 60000);
  }
});
