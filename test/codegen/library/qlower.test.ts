// Integer models in library mode on the simulator, BIT-EXACT with bwDNN's fixed-point reference
// (runQuantized): the shipped lenet5 checkpoint int8 and int16 (calibrated on bundled Fashion-MNIST
// training images, run on a test image), int8 per-tensor symmetric (narrowing Relu clamps), the
// per-layer profile rows, and an op without a DSP kernel named with its node.
import { describe, expect, it } from 'vitest';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { loadZooModel } from '../../../src/session/models.js';
import { compileQuantizedLibrary } from '../../../src/session/qlibrary.js';
import type { QModel } from '../../../src/ir/quant-model.js';
import { expectBitExact, T } from './qsupport.js';

describe('lenet5 integer model in library mode: bit-exact with the fixed-point reference', () => {
  const lenet = loadZooModel('lenet5').graph;
  const train = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
  const test = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' });
  const calib = slice(train, train.n - 64, 64);
  const stats = collectStats(lenet, { dtype: 'float32', shape: [calib.n, ...calib.shape], data: calib.images });
  const img = (i: number): Float32Array => test.images.slice(i * 784, (i + 1) * 784);

  it('int8 per-channel (shipped checkpoint); one profile row per integer layer', async () => {
    const q = lowerToInteger(lenet, stats, { bits: 8, perChannel: true });
    const r = await expectBitExact(q, [img(0)]);
    expect(r.layers.map((l) => l.node)).toEqual(q.nodes.filter((n) => n.op !== 'Flatten').map((n) => n.name));
    for (const l of r.layers) expect(l.cycles).toBeGreaterThan(0);
    expect(r.layers.find((l) => l.op === 'Conv')!.helperCycles).toBeGreaterThan(0);
    expect(r.layers.reduce((a, l) => a + l.cycles, 0)).toBeLessThanOrEqual(r.profile.cycles);
    expect(r.layers.find((l) => l.op === 'Gemm')!.kernels).toBe('qpack + qdense');
  });

  it('int16 per-channel', async () => {
    const q = lowerToInteger(lenet, stats, { bits: 16, perChannel: true });
    const r = await expectBitExact(q, [img(1)]);
    expect(r.layers.find((l) => l.op === 'Gemm')!.kernels).toBe('qpack + qdense');
  });

  it('int8 per-tensor symmetric: narrowing Relu clamps after conv and dense', async () => {
    const q = lowerToInteger(lenet, stats, { bits: 8, perChannel: false, symmetric: true });
    expect(q.nodes.some((n) => n.clamp && n.clamp[0] > -128)).toBe(true);
    const r = await expectBitExact(q, [img(2)]);
    expect(r.layers.some((l) => l.kernels.endsWith('qclamp'))).toBe(true);
  });

  it('an integer op without a DSP kernel names the node and the fix', () => {
    const q = lowerToInteger(lenet, stats, { bits: 8, perChannel: true });
    const bad: QModel = { ...q, nodes: q.nodes.map((n) => (n.op === 'MaxPool' ? { ...n, op: 'AveragePool', name: 'pool_x' } : n)) };
    expect(() => compileQuantizedLibrary(bad, T)).toThrow(/node 'pool_x': integer op AveragePool has no DSP kernel/);
  });
});
