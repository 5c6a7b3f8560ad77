// qpack on the simulator: the packed, zero-point-bordered words equal qconvPack's x (the host
// packer qconv is tested with) for int8 and int16, channel counts not a multiple of the lanes,
// odd planes, a block-grid overhang, negative values and zero points, and the dense case (H = W = 1).
import { describe, expect, it } from 'vitest';
import { packedZero, qpack, type QPackShape } from '../../src/dsplib/q-pack.js';
import { qconvPack } from '../../src/dsplib/qconv-pack.js';
import { diffs, ints, runKernel, T } from './q-support.js';

function hostPacked(sh: QPackShape, x: Int32Array): Int32Array {
  return qconvPack({ x, w: [], mult: [], zx: sh.zx, zy: 0 }, { C: sh.C, H: sh.H, W: sh.W, M: 0, kH: 1, kW: 1, pad: sh.pad, bits: sh.bits, Hpp: sh.Hpp, Wpp: sh.Wpp, Kp: 1 }).x;
}

describe('qpack', () => {
  const cases: Array<[string, QPackShape]> = [
    ['int8 C=1 28x28 pad 2 (lenet5 conv1)', { C: 1, H: 28, W: 28, bits: 8, pad: 2, Hpp: 33, Wpp: 36, zx: -128 }],
    ['int8 C=6 14x14 no pad', { C: 6, H: 14, W: 14, bits: 8, pad: 0, Hpp: 14, Wpp: 18, zx: 5 }],
    ['int8 C=8 9x7 pad 1', { C: 8, H: 9, W: 7, bits: 8, pad: 1, Hpp: 11, Wpp: 12, zx: -3 }],
    ['int16 C=3 5x6 pad 1', { C: 3, H: 5, W: 6, bits: 16, pad: 1, Hpp: 8, Wpp: 9, zx: -1000 }],
    ['int16 C=4 4x4 exact', { C: 4, H: 4, W: 4, bits: 16, pad: 0, Hpp: 4, Wpp: 4, zx: 7 }],
    ['int8 dense K=45', { C: 45, H: 1, W: 1, bits: 8, pad: 0, Hpp: 1, Wpp: 1, zx: -20 }],
    ['int16 dense K=7 (qconv 1x1 plane)', { C: 7, H: 1, W: 1, bits: 16, pad: 0, Hpp: 1, Wpp: 4, zx: 300 }],
  ];
  for (const [name, sh] of cases) {
    it(name, () => {
      const [lo, hi] = sh.bits === 8 ? [-128, 127] : [-32768, 32767];
      const x = ints(sh.C * sh.H * sh.W, lo, hi, sh.C + sh.W);
      const got = runKernel(qpack(sh, T), { x }).y;
      expect(diffs(got, hostPacked(sh, x))).toEqual([]);
    });
  }
  it('packed zero words', () => {
    expect(packedZero(-128, 8) >>> 0).toBe(0x80808080);
    expect(packedZero(5, 16)).toBe(0x50005);
  });
  it('refuses a plane smaller than the padded input', () => {
    expect(() => qpack({ C: 1, H: 4, W: 4, bits: 8, pad: 1, Hpp: 5, Wpp: 6, zx: 0 }, T)).toThrow(/padded plane/);
  });
});
