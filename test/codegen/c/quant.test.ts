// Quantized C vs the integer reference, bit for bit, on the trained lenet5 (int8 and int16,
// per-channel and per-tensor weights, a mixed 16/8-bit variant) built with gcc -std=c99 -Wall
// -Wextra -Werror -pedantic: the integer outputs (int API) and the dequantized float outputs
// (float API) must equal runQuantized's exactly. Breaking the rounding of the generated
// requantization must be caught.
import { expect, it } from 'vitest';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger, type QuantizeOptions } from '../../../src/compress/quant/lower.js';
import { slice } from '../../../src/bwdnn/data/index.js';
import type { Tensor } from '../../../src/ir/types.js';
import { describeWith } from '../../support/prereqs.js';
import { asTensor, calibSplit, testSet, trainedLenet } from '../../compress/quant/support.js';
import { mismatches, runQC } from './quant-support.js';

/** Real test images, then one image scaled x8 so the input and inner layers saturate. */
function lenetInput(): Tensor {
  const t = asTensor(slice(testSet, 0, 4));
  const data = Float32Array.from(t.data as Float32Array);
  const per = data.length / 4;
  for (let i = 3 * per; i < data.length; i++) data[i] = data[i]! * 8;
  return { ...t, data };
}

function expectBitExact(name: string, r: ReturnType<typeof runQC>): void {
  const bad = mismatches(r.c.q, r.ref.q);
  console.log(`${name}: ${r.c.q.length} outputs, ${bad.length} mismatches; arena ${r.model.arenaBytes} B (lower bound ${r.model.lowerBoundBytes}), tables ${r.model.weightsBytes} B`);
  expect(r.c.q.length).toBeGreaterThan(0);
  expect(bad).toEqual([]);
  expect(Array.from(r.c.output)).toEqual(Array.from(r.ref.output));
  expect(r.model.arenaBytes).toBeGreaterThanOrEqual(r.model.lowerBoundBytes);
}

describeWith(['gcc'], 'quantized C: bit-exact with runQuantized', () => {
  const lenetCases: [string, QuantizeOptions][] = [
    ['int8 per-channel', { bits: 8, perChannel: true }],
    ['int16 per-channel', { bits: 16, perChannel: true }],
    ['int8 per-tensor symmetric', { bits: 8, perChannel: false, symmetric: true }],
    ['mixed conv1=16 rest 8', { bits: 8, perChannel: true, layerBits: { conv1: 16 } }],
  ];
  for (const [label, opts] of lenetCases) {
    it(`trained lenet5 ${label}`, () => {
      const g = trainedLenet();
      const q = lowerToInteger(g, collectStats(g, calibSplit(64)), opts);
      const r = runQC(q, lenetInput());
      expectBitExact(`lenet5 ${label}`, r);
      expect(r.model.bits).toBe(opts.bits);
    });
  }

  it('a requantization that truncates instead of rounding is caught', () => {
    const g = trainedLenet();
    const q = lowerToInteger(g, collectStats(g, calibSplit(64)), { bits: 8, perChannel: true });
    const x = lenetInput();
    const broken = runQC(q, x, {}, (src) => src.replace('lo + ((uint64_t)1 << (n - 1))', 'lo'));
    expect(mismatches(broken.c.q, broken.ref.q).length).toBeGreaterThan(0);
  });
});
