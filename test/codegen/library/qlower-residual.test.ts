// A residual integer model in library mode, bit-exact with the fixed-point reference: resnet20 with
// seeded weights (width 0.25, 8x8 input; folded BN, residual Adds with rescaling, standalone Relu,
// GAP, Gemm) int8; one 16x16 conv called after its packing call (which leaves its registers dirty:
// qconv must not read what it did not write); and a
// grouped (depthwise) Conv refused with the node named.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { compileQuantizedLibrary } from '../../../src/session/qlibrary.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import type { QModel } from '../../../src/ir/quant-model.js';
import { expectBitExact, T, wave } from './qsupport.js';

describe('residual integer model in library mode', () => {
  it('resnet20 (seeded, width 0.25, 8x8 input) int8', async () => {
    const g = zooModel('resnet20', { input: [3, 8, 8], width: 0.25 });
    const q = lowerToInteger(g, collectStats(g, wave([8, 3, 8, 8], 1)), { bits: 8, perChannel: true });
    const r = await expectBitExact(q, [wave([1, 3, 8, 8], 5).data as Float32Array]);
    expect(new Set(r.layers.map((l) => l.op))).toEqual(new Set(['Conv', 'Add', 'Relu', 'GlobalAveragePool', 'Gemm']));
    expect(r.layers.filter((l) => l.op === 'Add').length).toBeGreaterThan(0);
  });

  it('one 8->8 16x16 conv (resnet20 width 0.5) fed by its packing call: no leftover register reaches qconv', async () => {
    const g = zooModel('resnet20', { input: [3, 16, 16], width: 0.5 });
    const q = lowerToInteger(g, collectStats(g, wave([4, 3, 16, 16], 1)), { bits: 8, perChannel: true });
    const ref = runQuantized(q, wave([1, 3, 16, 16], 5), { keep: true });
    const n = q.nodes.find((k) => k.name === 'conv2')!, v = q.values.get(n.inputs[0]!)!, xin = ref.values!.get(n.inputs[0]!)!;
    const one: QModel = { ...q, input: { name: n.inputs[0]!, shape: xin.shape, value: v }, nodes: [n], output: { name: 'o', value: n.output } };
    await expectBitExact(one, [Float32Array.from(xin.data, (a) => (a - v.quant.zeroPoint[0]!) * v.quant.scale[0]!)]);
  });

  it('a depthwise Conv (mobilenet) is refused naming the node', () => {
    const g = zooModel('mobilenet', { input: [1, 16, 16], width: 0.25 });
    const q = lowerToInteger(g, collectStats(g, wave([4, 1, 16, 16], 1)), { bits: 8, perChannel: true });
    expect(() => compileQuantizedLibrary(q, T)).toThrow(/node '[^']+' \(Conv\): group \d+ \(grouped \/ depthwise convolution\)/);
  });
});
