// Element-wise kernels (activations, add, mul, batch-norm, channel affine) against JS loops,
// with lengths that are not multiples of 4 and large enough to be split across threads.
import { describe, it, expect } from 'vitest';
import { activation, binary, batchNorm, channelAffine } from '../../../src/bwdnn/kernels/eltwise.js';
import { ACTIVATIONS, activationCode } from '../../../src/bwdnn/kernels/activation.js';
import { act, rand, relErr } from './naive.js';
import { runtimeMatrix } from './runtimes.js';
import { isBwvmError } from '../../../src/util/errors.js';

const variants = runtimeMatrix();

describe.each(variants)('element-wise on $name', ({ rt }) => {
  it.each(Object.keys(ACTIVATIONS))('activation %s', (kind) => {
    for (const n of [1, 7, 1001, 300_003]) {
      const x = rand(n, n).map((v) => v * 8);
      const want = x.map((v) => act(v, kind, 0.01));
      expect(relErr(activation(rt, x, kind as keyof typeof ACTIVATIONS), want)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('leaky uses its alpha', () => {
    const x = rand(33, 2);
    expect(relErr(activation(rt, x, { kind: 'leaky', alpha: 0.2 }), x.map((v) => act(v, 'leaky', 0.2)))).toBeLessThanOrEqual(1e-6);
  });

  it('add and mul with fused activation', () => {
    for (const n of [5, 4099, 270_001]) {
      const a = rand(n, 3), b = rand(n, 4);
      expect(relErr(binary(rt, 'add', a, b, 'relu'), a.map((v, i) => Math.max(0, v + b[i])))).toBeLessThanOrEqual(1e-6);
      expect(relErr(binary(rt, 'mul', a, b), a.map((v, i) => v * b[i]))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('batch-norm inference and channel affine', () => {
    const N = 3, C = 5, HW = 37;
    const x = rand(N * C * HW, 5);
    const gamma = rand(C, 6), beta = rand(C, 7), mean = rand(C, 8), variance = rand(C, 9).map((v) => v + 1.5);
    const want = x.map((v, i) => {
      const c = Math.floor(i / HW) % C;
      return act(((v - mean[c]) / Math.sqrt(variance[c] + 1e-5)) * gamma[c] + beta[c], 'relu6');
    });
    expect(relErr(batchNorm(rt, x, N, C, HW, { gamma, beta, mean, variance }, 'relu6'), want)).toBeLessThanOrEqual(1e-4);
    const aff = x.map((v, i) => v * gamma[Math.floor(i / HW) % C] + beta[Math.floor(i / HW) % C]);
    expect(relErr(channelAffine(rt, x, N, C, HW, gamma, beta), aff)).toBeLessThanOrEqual(1e-5);
    const biasOnly = x.map((v, i) => v + beta[Math.floor(i / HW) % C]);
    expect(relErr(channelAffine(rt, x, N, C, HW, undefined, beta), biasOnly)).toBeLessThanOrEqual(1e-5);
  });
});

describe('element-wise errors', () => {
  it('rejects mismatched operands and unknown activations with BwvmErrors', () => {
    const rt = variants[0].rt;
    expect(() => binary(rt, 'add', new Float32Array(3), new Float32Array(4))).toThrow(/3 and 4/);
    try { activationCode('gelu' as never); } catch (e) { expect(isBwvmError(e, 'bwdnn.activation')).toBe(true); return; }
    throw new Error('no error');
  });
});
