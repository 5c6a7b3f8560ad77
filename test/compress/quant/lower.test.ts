// Post-training quantization of the trained lenet5 to the integer model: Relu folded into the
// clamp of its Conv/Gemm, per-channel symmetric weights, int32 (8-bit) / int64 (16-bit) biases;
// accuracy of int8 and int16 close to fp32 on the bundled test split, int16 closer than int8.
import { expect, test } from 'vitest';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import { evaluate } from '../../../src/bwdnn/train/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { slice } from '../../../src/bwdnn/data/index.js';
import { calibSplit, testSet, trainedLenet } from './support.js';

const g = trainedLenet();
const stats = collectStats(g, calibSplit());
const val = slice(testSet, 0, 200);
const accuracyOf = async (bits: 8 | 16, perChannel = true) => {
  const m = lowerToInteger(g, stats, { bits, perChannel });
  return (await evaluate(g, val, { forward: async (x) => runQuantized(m, x).output.data as Float32Array })).accuracy;
};

test('the integer model folds each Relu into its producer and quantizes weights per channel', () => {
  const m = lowerToInteger(g, stats, { bits: 8 });
  expect(m.nodes.map((n) => n.op)).toEqual(['Conv', 'MaxPool', 'Conv', 'MaxPool', 'Flatten', 'Gemm', 'Gemm', 'Gemm']);
  const c1 = m.nodes[0]!;
  expect(c1.from).toEqual(['conv1', 'relu1']);
  expect(c1.clamp![0]).toBe(m.values.get('relu1_out')!.quant.zeroPoint[0]);
  expect(c1.weight!.dtype).toBe('int8');
  expect(c1.weight!.quant!.scale).toHaveLength(6);
  expect(c1.bias!.dtype).toBe('int32');
  expect(Math.max(...Array.from(c1.weight!.data as Int8Array, Math.abs))).toBe(127);
  const m16 = lowerToInteger(g, stats, { bits: 16 });
  expect(m16.nodes[0]!.bias!.dtype).toBe('int64');
  expect(m16.values.get('logits')!.dtype).toBe('int16');
});

test('on calibration images (no clipping) integer logits track float: int16 within 0.01 % of the range, int8 within 2 %', () => {
  const x = calibSplit(16);
  const f = run(g, { input: x }).logits!.data as Float32Array;
  const range = Math.max(...f) - Math.min(...f);
  for (const [bits, tol] of [[8, 2e-2], [16, 1e-4]] as const) {
    const q = runQuantized(lowerToInteger(g, stats, { bits }), x).output.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i]! - q[i]!));
    expect(worst / range, `int${bits}`).toBeLessThan(tol);
  }
});

test('accuracy: fp32 vs int16 vs int8 (per-channel and per-tensor) on 200 test images', async () => {
  const fp32 = (await evaluate(g, val)).accuracy;
  const a16 = await accuracyOf(16), a8 = await accuracyOf(8), a8t = await accuracyOf(8, false);
  console.log(`lenet5 fp32 ${fp32} int16 ${a16} int8 ${a8} int8 per-tensor ${a8t}`);
  expect(fp32).toBeGreaterThan(0.6);
  expect(Math.abs(a16 - fp32)).toBeLessThanOrEqual(0.005);
  expect(Math.abs(a8 - fp32)).toBeLessThanOrEqual(0.03);
  expect(Math.abs(a8t - fp32)).toBeLessThanOrEqual(0.05);
}, 60000);

test('ops without an integer form are refused with the op named', () => {
  const vgg = zooModel('vgg_small', { width: 0.25, input: [1, 8, 8] });
  const st = collectStats(vgg, { dtype: 'float32', shape: [2, 1, 8, 8], data: new Float32Array(128).map((_, i) => Math.sin(i)) });
  // a BN right after its Conv is folded (fold-bn.ts); one whose Conv output is also read elsewhere
  // (here: a graph output) cannot be, and is refused with the op named
  expect(lowerToInteger(vgg, st).nodes.length).toBeGreaterThan(0);
  vgg.outputs.push({ name: vgg.nodes[0]!.outputs[0]!, dtype: 'float32', shape: [] });
  expect(() => lowerToInteger(vgg, st)).toThrow(/BatchNormalization/);
});

test('per-layer report: one row per integer node, int16 at least 30 dB more SQNR than int8 on every layer', async () => {
  const { quantReport } = await import('../../../src/compress/quant/report.js');
  const x = calibSplit(8);
  const r8 = quantReport(g, lowerToInteger(g, stats, { bits: 8, perChannel: true }), x);
  const r16 = quantReport(g, lowerToInteger(g, stats, { bits: 16, perChannel: true }), x);
  expect(r8.map((r) => r.layer)).toEqual(['conv1+relu1', 'maxpool1', 'conv2+relu2', 'maxpool2', 'flatten1', 'fc1+relu3', 'fc2+relu4', 'fc3']);
  expect(r8[0]!.weightScale).toMatch(/\(6 ch\)/);
  for (let i = 0; i < r8.length; i++) {
    expect(r8[i]!.sqnrDb).toBeGreaterThan(15);
    expect(r16[i]!.sqnrDb).toBeGreaterThan(r8[i]!.sqnrDb + 30);
  }
  expect(r8[0]!.maxErrSteps).toBeLessThan(3); // first layer: input and output rounding only
});
