// Quantized C of residual networks vs the integer reference, bit for bit: a zoo resnet20 (BN
// folded by lowering, residual Adds with rescaling, GAP) and a small net with a Relu6 folded into
// a Conv, an Add, a standalone Clip, a padded AveragePool (several window counts, one multiplier
// each), GAP, Flatten (a view) and Gemm, int8 and int16, built with strict gcc.
import { expect, it } from 'vitest';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { NetBuilder, zooModel } from '../../../src/bwdnn/zoo/index.js';
import type { Graph, Tensor } from '../../../src/ir/types.js';
import { describeWith } from '../../support/prereqs.js';
import { mismatches, runQC } from './quant-support.js';

const wave = (shape: number[], seed: number): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => 2 * Math.sin(i * 0.731 + seed)) });

function residualNet(): Graph {
  const b = new NetBuilder('resmix', [2, 8, 8], 5);
  const a = b.act(b.conv(b.input, 4, { k: 3, pad: 1, bias: true }), 'Relu6');
  const c = b.conv(a, 4, { k: 3, pad: 1, bias: true });
  const r = b.act(b.add(c, a), 'Relu6');
  const g = b.build(b.dense(b.flatten(b.gap(r)), 5));
  const gap = g.nodes.find((n) => n.op === 'GlobalAveragePool')!;
  g.nodes.splice(g.nodes.indexOf(gap), 0, { name: 'avg', op: 'AveragePool', inputs: [gap.inputs[0]!], outputs: ['avg_out'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
  gap.inputs[0] = 'avg_out';
  return g;
}

function expectBitExact(r: ReturnType<typeof runQC>): void {
  expect(r.c.q.length).toBeGreaterThan(0);
  expect(mismatches(r.c.q, r.ref.q)).toEqual([]);
  expect(Array.from(r.c.output)).toEqual(Array.from(r.ref.output));
}

describeWith(['gcc'], 'quantized C: residual models bit-exact with runQuantized', () => {
  for (const bits of [8, 16] as const) {
    it(`resnet20 (folded BN, residual Add, GAP) int${bits}`, () => {
      const g = zooModel('resnet20', { input: [3, 8, 8], width: 0.25 });
      const q = lowerToInteger(g, collectStats(g, wave([8, 3, 8, 8], 1)), { bits, perChannel: true });
      expect(q.nodes.filter((n) => n.op === 'Add').length).toBeGreaterThan(0);
      const r = runQC(q, wave([2, 3, 8, 8], 2));
      expectBitExact(r);
      expect(r.model.layers.some((l) => l.op === 'Add')).toBe(true);
    });

    it(`Relu6 fold, Add with rescale, Clip, padded AveragePool, GAP, Gemm int${bits}`, () => {
      const g = residualNet();
      const q = lowerToInteger(g, collectStats(g, wave([16, 2, 8, 8], 1)), { bits, perChannel: true });
      expect(q.nodes.map((n) => n.op)).toEqual(['Conv', 'Conv', 'Add', 'Clip', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Gemm']);
      const r = runQC(q, wave([3, 2, 8, 8], 7), { prefix: 'resmix' });
      expectBitExact(r);
      expect(r.model.files.get('resmix.c')).toContain('Flatten): view of');
    });
  }
});
