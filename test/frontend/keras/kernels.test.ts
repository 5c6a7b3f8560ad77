// Weight layout conversion and TensorFlow window arithmetic: permutations element by element,
// SAME/VALID windows vs their definition, transposed-conv pads consistent with ONNX's formula.
import { describe, expect, it } from 'vitest';
import { depthwiseToOihw, hwioToOihw, permute, tfTransposeWindow, tfWindow } from '../../../src/frontend/keras/kernels.js';
import type { Tensor } from '../../../src/ir/index.js';

const iota = (shape: number[]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i) });

describe('Keras kernel conversion', () => {
  it('HWIO -> OIHW moves every element to out[o][i][h][w] = k[h][w][i][o]', () => {
    const k = iota([2, 3, 4, 5]);
    const o = hwioToOihw(k);
    expect(o.shape).toEqual([5, 4, 2, 3]);
    for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) for (let i = 0; i < 4; i++) for (let c = 0; c < 5; c++) {
      expect(o.data[((c * 4 + i) * 2 + h) * 3 + w]).toBe(k.data[((h * 3 + w) * 4 + i) * 5 + c]);
    }
  });

  it('depthwise [kh,kw,C,M] -> [C*M,1,kh,kw] with output channel c*M+m', () => {
    const k = iota([3, 2, 4, 3]);
    const o = depthwiseToOihw(k);
    expect(o.shape).toEqual([12, 1, 3, 2]);
    for (let h = 0; h < 3; h++) for (let w = 0; w < 2; w++) for (let c = 0; c < 4; c++) for (let m = 0; m < 3; m++) {
      expect(o.data[((c * 3 + m) * 3 + h) * 2 + w]).toBe(k.data[((h * 2 + w) * 4 + c) * 3 + m]);
    }
    expect(permute(iota([2, 3]), [1, 0]).data).toEqual(Float32Array.from([0, 3, 1, 4, 2, 5]));
  });

  it('SAME windows: out = ceil(in/s), odd padding at the end; VALID: floor((in-dk)/s)+1', () => {
    expect(tfWindow(7, 3, 2, 1, 'same')).toEqual({ before: 1, after: 1, out: 4 });
    expect(tfWindow(8, 3, 2, 1, 'same')).toEqual({ before: 0, after: 1, out: 4 });
    expect(tfWindow(5, 3, 1, 2, 'same')).toEqual({ before: 2, after: 2, out: 5 });
    expect(tfWindow(9, 3, 2, 1, 'valid')).toEqual({ before: 0, after: 0, out: 4 });
    for (let n = 1; n < 12; n++) for (let k = 1; k < 5; k++) for (let s = 1; s < 4; s++) {
      const w = tfWindow(n, k, s, 1, 'same');
      expect(w.out).toBe(Math.ceil(n / s));
      expect(Math.floor((n + w.before + w.after - k) / s) + 1).toBe(w.out);
      expect(w.after - w.before === 0 || w.after - w.before === 1).toBe(true);
    }
  });

  it('transposed windows give Keras output sizes through the ONNX ConvTranspose formula', () => {
    for (let n = 1; n < 8; n++) for (let k = 1; k < 6; k++) for (let s = 1; s < 4; s++) for (const p of ['same', 'valid'] as const) {
      const w = tfTransposeWindow(n, k, s, 1, p, null);
      expect(w.out).toBe(p === 'same' ? n * s : n * s + Math.max(k - s, 0));
      expect(s * (n - 1) + w.outputPadding + k - w.before - w.after).toBe(w.out);
      expect(w.outputPadding).toBeGreaterThanOrEqual(0);
      expect(w.outputPadding).toBeLessThan(s);
    }
  });
});
