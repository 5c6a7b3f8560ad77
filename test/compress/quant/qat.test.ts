// Quantization-aware fine-tuning: QuantizeLinear/DequantizeLinear backpropagate as a straight-
// through estimator; the fake-quantized graph computes what the integer model computes; a short
// QAT run changes the weights and the re-lowered int8 model stays accurate.
import { expect, test } from 'vitest';
import { GRADS } from '../../../src/bwdnn/train/index.js';
import { gradContext } from '../../../src/bwdnn/train/grad.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { insertFakeQuant, quantizationAwareTrain } from '../../../src/compress/quant/qat.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { evaluate } from '../../../src/bwdnn/train/index.js';
import { slice } from '../../../src/bwdnn/data/index.js';
import type { Node, Tensor } from '../../../src/ir/types.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { asTensor, calibSplit, testSet, trainSet, trainedLenet } from './support.js';

test('STE: through QuantizeLinear -> DequantizeLinear dx = dy inside the range, 0 where it saturates', () => {
  const x: Tensor = { dtype: 'float32', shape: [4], data: Float32Array.of(-2, 0.3, 1.2, 9) };
  const s: Tensor = { dtype: 'float32', shape: [], data: Float32Array.of(0.05) };
  const z: Tensor = { dtype: 'int8', shape: [], data: Int8Array.of(10) };
  const q: Tensor = { dtype: 'int8', shape: [4], data: Int8Array.of(-30, 16, 34, 127) };
  const dy = Float32Array.of(1, 2, 3, 4);
  const nq: Node = { name: 'q', op: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['q'], attrs: {} };
  const nd: Node = { name: 'd', op: 'DequantizeLinear', inputs: ['q', 's', 'z'], outputs: ['y'], attrs: {} };
  const dq = GRADS.get('DequantizeLinear')!.grad(gradContext(nd, 13, [q, s, z], [x], dy, [true, false, false]))[0]!;
  const dx = GRADS.get('QuantizeLinear')!.grad(gradContext(nq, 13, [x, s, z], [q], dq, [true, false, false]))[0]!;
  expect(Array.from(dx).map((v) => Number(v.toFixed(5)))).toEqual([1, 2, 3, 0]); // 9 / 0.05 + 10 > 127: clipped
  expect(GRADS.get('QuantizeLinear')!.trainable).toEqual([0]);
});

const g = trainedLenet();
const stats = collectStats(g, calibSplit(128));

test('the fake-quantized graph computes the integer model (within 2 output steps)', () => {
  const m = lowerToInteger(g, stats, { bits: 8, perChannel: true });
  const fq = insertFakeQuant(g, m).graph;
  expect(fq.nodes.filter((n) => n.op === 'QuantizeLinear')).toHaveLength(5 + 5); // 5 weights, input + 4 activations
  const x = calibSplit(16);
  const a = run(fq, { input: x }).logits!.data as Float32Array, b = runQuantized(m, x).output.data as Float32Array;
  const s = m.values.get('logits')!.quant.scale[0]!;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / s);
  expect(worst).toBeLessThanOrEqual(2);
});

test('QAT (int8 per-tensor, 20 steps) changes the weights and the re-lowered int8 model stays within 3 points of fp32', async () => {
  const m = lowerToInteger(g, stats, { bits: 8 });
  const r = await quantizationAwareTrain(g, m, trainSet, { epochs: 1, maxSteps: 20, batchSize: 32, lr: 0.002, seed: 2 });
  expect(r.history.steps).toBe(20);
  const w0 = g.initializers.get('conv1.weight')!.data as Float32Array, w1 = r.graph.initializers.get('conv1.weight')!.data as Float32Array;
  expect(w1.some((v, i) => v !== w0[i])).toBe(true);
  expect(r.graph.nodes.map((n) => n.op)).toEqual(g.nodes.map((n) => n.op)); // fake quantization removed
  const val = slice(testSet, 0, 200);
  const m2 = lowerToInteger(r.graph, collectStats(r.graph, calibSplit(128)), { bits: 8 });
  const fp32 = (await evaluate(g, val)).accuracy;
  const qat = (await evaluate(g, val, { forward: async (x) => runQuantized(m2, x).output.data as Float32Array })).accuracy;
  console.log(`lenet5 fp32 ${fp32} int8 after 20 QAT steps ${qat}`);
  expect(Math.abs(qat - fp32)).toBeLessThanOrEqual(0.03);
}, 60000);

test('QAT on a batch-norm network folds BN first: its first step sees the integer model (loss within 2 %)', async () => {
  const res = zooModel('resnet20', { width: 0.25, seed: 3 });
  const calib = calibSplit(64);
  const m = lowerToInteger(res, collectStats(res, calib), { bits: 8, perChannel: true });
  const batch = slice(trainSet, 0, 32);
  const logits = runQuantized(m, asTensor(batch)).output.data as Float32Array;
  let ce = 0; // mean cross-entropy of the integer model on the batch
  for (let i = 0; i < batch.n; i++) {
    const row = logits.subarray(i * 10, i * 10 + 10), mx = Math.max(...row);
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0)) + mx;
    ce += (lse - row[batch.labels[i]!]!) / batch.n;
  }
  let first = NaN;
  const r = await quantizationAwareTrain(res, m, batch, { epochs: 1, batchSize: 32, lr: 0, seed: 1, onStep: (p) => { if (p.step === 1) first = p.loss; } });
  expect(Math.abs(first - ce) / ce).toBeLessThan(0.02);
  expect(r.graph.nodes.some((n) => n.op === 'BatchNormalization')).toBe(false); // the folded graph, fine-tuned
}, 60000);
