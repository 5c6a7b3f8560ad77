// The arithmetic edges of the quantized C output on hand-built integer models, vs runQuantized:
// QuantizeLinear's half-to-even ties, saturation, NaN and infinities at the float boundary; the
// exact 128-bit requantization (|acc| past 2^37 where the reference switches to BigInt, shifts of
// 64 and more, saturation) on an int16 Gemm with int64 biases; and the errors for integer ops
// and forms the C backend does not emit, naming the op and node.
import { describe, expect, it } from 'vitest';
import { quantizeMultiplier, type QModel } from '../../../src/bwdnn/quant/index.js';
import { emitQuantizedC } from '../../../src/codegen/c/index.js';
import type { Tensor } from '../../../src/ir/types.js';
import { describeWith } from '../../support/prereqs.js';
import { mismatches, runQC } from './quant-support.js';

const t = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint] });

/** One identity Clip: the integer output is the quantized input. */
function identity(dtype: 'int8' | 'uint8' | 'int16', scale: number, zp: number): QModel {
  const v = { dtype, quant: t(scale, zp) };
  return {
    name: 'boundary', bits: dtype === 'int16' ? 16 : 8, input: { name: 'x', shape: ['N', 16], value: v }, output: { name: 'y', value: 'y' },
    values: new Map([['x', v], ['y', v]]),
    nodes: [{ name: 'id', op: 'Clip', inputs: ['x'], output: 'y', attrs: { min: -Infinity, max: Infinity }, from: ['id'] }],
  };
}

const ties = (): Tensor => ({
  dtype: 'float32', shape: [2, 16],
  // x / 0.5 lands on .5 for the first 12 (ties both ways, both signs), then saturation, NaN, infinities
  data: Float32Array.from([0.25, 0.75, 1.25, -0.25, -0.75, -1.25, 2.25, -2.25, 10.75, -10.25, 3.75, -3.75, 1e6, -1e6, 63.9, -64.3,
    NaN, Infinity, -Infinity, 0, 5.1, -5.1, 0.2499, 0.2501, 1e30, -1e30, 20.25, -20.25, 7.75, -7.75, 0.5, -0.5]),
});

/** int16 Gemm [2, 4] -> [2, 3] with int64 biases near 2^50 and shifts 70, 64 and 45. */
function bigGemm(): QModel {
  const x = { dtype: 'int16' as const, quant: t(0.5, 0) }, y = { dtype: 'int16' as const, quant: t(1, 3) };
  return {
    name: 'wide', bits: 16, input: { name: 'x', shape: [2, 4], value: x }, output: { name: 'y', value: 'y' },
    values: new Map([['x', x], ['y', y]]),
    nodes: [{
      name: 'fc', op: 'Gemm', inputs: ['x'], output: 'y', attrs: { transB: 1 }, from: ['fc'],
      weight: { dtype: 'int16', shape: [3, 4], data: Int16Array.from([32767, -32767, 12345, -1, 30000, 29999, -30000, 7, 1, -2, 3, -4]), quant: { scale: [1, 1, 1], zeroPoint: [0, 0, 0], axis: 0 } },
      bias: { dtype: 'int64', shape: [3], data: BigInt64Array.from([2n ** 50n + 12345n, -(2n ** 50n) - 777n, 2n ** 27n + 5n]) },
      requant: [{ m0: 2 ** 30 + 12345, shift: 70 }, { m0: 2 ** 31 - 1, shift: 64 }, { m0: 1500000000, shift: 45 }],
    }],
  };
}

describeWith(['gcc'], 'quantized C: arithmetic edges', () => {
  for (const [dt, zp] of [['int8', -3], ['uint8', 128], ['int16', 7]] as const) {
    it(`${dt} input conversion: half-to-even ties, saturation, NaN/inf (zero point ${zp})`, () => {
      const r = runQC(identity(dt, 0.5, zp), ties());
      expect(mismatches(r.c.q, r.ref.q)).toEqual([]);
      expect(Array.from(r.c.output)).toEqual(Array.from(r.ref.output));
    });
  }

  it('half-up rounding of the input is caught', () => {
    const r = runQC(identity('int8', 0.5, 0), ties(), {}, (s) => s.replace('(fmod(f, 2.0) == 0.0 ? f : f + 1.0)', 'f + 1.0'));
    expect(mismatches(r.c.q, r.ref.q).length).toBeGreaterThan(0);
  });

  it('int16 Gemm: 128-bit exact requantization past 2^37, shifts >= 64, saturation', () => {
    const x: Tensor = { dtype: 'float32', shape: [2, 4], data: Float32Array.from([3.25, -7.5, 100.1, -2000, -16383, 16383.5, 0.5, 9]) };
    const r = runQC(bigGemm(), x);
    expect(mismatches(r.c.q, r.ref.q)).toEqual([]);
    // not all saturated: the wide path produced ordinary values too
    expect(Array.from(r.c.q).some((v) => Math.abs(v) < 32767)).toBe(true);
    const unsigned = runQC(bigGemm(), x, {}, (s) => s.replace('if (acc < 0) hi -= m;', ';'));
    expect(mismatches(unsigned.c.q, unsigned.ref.q).length).toBeGreaterThan(0);
  });
});

describe('quantized C: unsupported integer ops', () => {
  it('an op without an integer emitter names the op and the node', () => {
    const q = identity('int8', 0.5, 0);
    q.nodes[0]!.op = 'Softmax';
    expect(() => emitQuantizedC(q, { multiplier: quantizeMultiplier })).toThrow(/integer op 'Softmax' \(node 'id'\) has no quantized C emitter/);
  });

  it('an unsupported form (Gemm transA) names the node', () => {
    const q = bigGemm();
    q.nodes[0]!.attrs.transA = 1;
    expect(() => emitQuantizedC(q, { multiplier: quantizeMultiplier })).toThrow(/node 'fc' \(integer Gemm\): Gemm with transA=1/);
  });

  it('a prefix that is not a C identifier is refused', () => {
    expect(() => emitQuantizedC(identity('int8', 0.5, 0), { multiplier: quantizeMultiplier, prefix: '9x' })).toThrow(/not a C identifier/);
  });
});
