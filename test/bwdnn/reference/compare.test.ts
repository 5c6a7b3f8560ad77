// compareTensors / compareOutputs: hand-made differences.
import { describe, expect, it } from 'vitest';
import { compareOutputs, compareTensors } from '../../../src/bwdnn/reference/compare.js';
import { floats } from './ort-support.js';

describe('compare', () => {
  it('max abs / relative error and worst index', () => {
    const d = compareTensors(floats([1, 2, 3.5, -4]), floats([1, 2, 3, -4]));
    expect(d).toEqual({ sameShape: true, maxAbs: 0.5, maxRel: 0.125, worst: 2 });
  });
  it('shape mismatch, NaN and missing outputs are infinitely wrong', () => {
    expect(compareTensors(floats([1, 2]), floats([1, 2, 3])).maxRel).toBe(Infinity);
    expect(compareTensors(floats([NaN, 2]), floats([1, 2])).maxAbs).toBe(Infinity);
    const r = compareOutputs({ a: floats([1]) }, { a: floats([1]), b: floats([2]) });
    expect(r.a!.maxAbs).toBe(0);
    expect(r.b!.sameShape).toBe(false);
  });
});
