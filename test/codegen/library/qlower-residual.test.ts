// A residual integer model in library mode, bit-exact with the fixed-point reference: resnet20 with
// seeded weights (width 0.25, 8x8 input; folded BN, residual Adds with rescaling, standalone Relu,
// GAP, Gemm) int8; and a grouped (depthwise) Conv refused with the node named.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { compileQuantizedLibrary } from '../../../src/session/qlibrary.js';
import { expectBitExact, T, wave } from './qsupport.js';

describe('residual integer model in library mode', () => {
  it('resnet20 (seeded, width 0.25, 8x8 input) int8', async () => {
    const g = zooModel('resnet20', { input: [3, 8, 8], width: 0.25 });
    const q = lowerToInteger(g, collectStats(g, wave([8, 3, 8, 8], 1)), { bits: 8, perChannel: true });
    const r = await expectBitExact(q, [wave([1, 3, 8, 8], 5).data as Float32Array]);
    expect(new Set(r.layers.map((l) => l.op))).toEqual(new Set(['Conv', 'Add', 'Relu', 'GlobalAveragePool', 'Gemm']));
    expect(r.layers.filter((l) => l.op === 'Add').length).toBeGreaterThan(0);
  });

  it('a depthwise Conv (mobilenet) is refused naming the node', () => {
    const g = zooModel('mobilenet', { input: [1, 16, 16], width: 0.25 });
    const q = lowerToInteger(g, collectStats(g, wave([4, 1, 16, 16], 1)), { bits: 8, perChannel: true });
    expect(() => compileQuantizedLibrary(q, T)).toThrow(/node '[^']+' \(Conv\): group \d+ \(grouped \/ depthwise convolution\)/);
  });
});
