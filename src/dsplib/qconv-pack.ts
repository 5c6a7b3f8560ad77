// Host-side data layout for qconv (qconv.ts): packs int8 (4 lanes per word) or int16 (2 lanes)
// activations along input channels into the zero-point-padded scratch the kernel reads, packs the
// weights, folds the input zero point into the bias (exact everywhere: borders hold zx), and
// splits each channel's requantization multiplier (M0, n) into the rows of the kernel's table.
import { BwvmError } from '../util/errors.js';

/** Rows of the per-channel table `q` (pitch qconvTablePitch(M)): requantization, then the folded bias
 * as (low, high) word pairs over rows BIAS and BIAS + 1 (channel m at BIAS*pitch + 2m). */
export const QROW = { MW: 0, M0H: 1, M1: 2, RND: 3, SH: 4, ZY: 5, CX: 6, CL: 7, MA: 8, BIAS: 9 } as const;
export const QCONV_ROWS = 11;
export const qconvTablePitch = (M: number): number => Math.ceil(M / 4) * 4 + 4;
export const qconvLanes = (bits: 8 | 16): number => (bits === 8 ? 4 : 2);

/** Geometry of the packed tensors (from the kernel's params). */
export interface QConvLayout { C: number; H: number; W: number; M: number; kH: number; kW: number; pad: number; bits: 8 | 16; Hpp: number; Wpp: number; Kp: number }

export interface QConvData {
  /** int values, x [C,H,W] and w [M,C,kH,kW] row-major. */
  x: ArrayLike<number>; w: ArrayLike<number>;
  /** int32 bias per output channel (optional). */
  bias?: ArrayLike<number>;
  /** Per output channel requantization multiplier (bwdnn quant's quantizeMultiplier). */
  mult: ReadonlyArray<{ m0: number; shift: number }>;
  zx: number; zy: number;
}

/** One channel's table entries: the exact integer requantization of qconv-requant.ts. */
export function requantRow(m0In: number, nIn: number, zy: number, bits: 8 | 16, ch = 0, who = 'qconv'): number[] {
  let m0 = m0In, n = nIn;
  const bad = (why: string): never => {
    throw new BwvmError('DSPLIB_REQUANT', `${who}: channel ${ch} multiplier M0=${m0In} n=${nIn} ${why}`,
      { hint: 'rescale the layer (output scale) so that scale_x*scale_w/scale_y is in [2^-31, 1/4), or run it with the bwdnn quant reference' });
  };
  if (!(m0 >= 2 ** 30 && m0 < 2 ** 31) || !Number.isInteger(m0)) bad('has M0 outside [2^30, 2^31)');
  let lo = ((m0 & 0xffff) << 16) >> 16, hi = (m0 - lo) / 65536;
  if (hi === 32768) { // M0 within 2^15 of 2^31: halve it (exact when even)
    if (m0 % 2 !== 0) bad('is an odd M0 within 2^15 of 2^31 (not representable in 16-bit limbs)');
    m0 /= 2; n -= 1; lo = ((m0 & 0xffff) << 16) >> 16; hi = (m0 - lo) / 65536;
  }
  if (!(n >= 33 && n <= 63)) bad('needs n in 33..63 (real multiplier below 1/4)');
  const e = n - 32;
  const row = new Array<number>(9).fill(0);
  row[QROW.MW] = (lo & 0xffff) | (hi << 16);
  row[QROW.M0H] = lo << 16;
  row[QROW.M1] = hi;
  row[QROW.ZY] = zy;
  if (bits === 8 || e <= 15) { row[QROW.RND] = 2 ** (e - 1); row[QROW.SH] = e; row[QROW.MA] = -1; } else {
    const c = 2 ** (e - 1) - 2 ** 15;
    row[QROW.SH] = e - 16; row[QROW.CX] = Math.floor(c / 65536); row[QROW.CL] = c % 65536;
  }
  return row;
}

const lane = (v: number, bits: 8 | 16, l: number): number => (bits === 8 ? (v & 0xff) << (8 * l) : (v & 0xffff) << (16 * l));

/** Input words of the qconv kernel: { x, w, q } by symbol. */
export function qconvPack(d: QConvData, L: QConvLayout): { x: Int32Array; w: Int32Array; q: Int32Array } {
  const { C, H, W, M, kH, kW, pad, bits, Hpp, Wpp, Kp } = L, nl = qconvLanes(bits), Cw = Math.ceil(C / nl), kk = kH * kW;
  const [vlo, vhi] = bits === 8 ? [-128, 127] : [-32768, 32767];
  const x = new Int32Array(Cw * Hpp * Wpp);
  for (let c = 0; c < C; c++) {
    const cw = Math.floor(c / nl), l = c % nl;
    for (let h = 0; h < Hpp; h++) for (let w = 0; w < Wpp; w++) {
      const ih = h - pad, iw = w - pad;
      const v = ih >= 0 && ih < H && iw >= 0 && iw < W ? d.x[(c * H + ih) * W + iw]! : d.zx;
      x[(cw * Hpp + h) * Wpp + w]! |= lane(v, bits, l);
    }
  }
  const wp = new Int32Array(M * Kp);
  const Mp = qconvTablePitch(M), q = new Int32Array(QCONV_ROWS * Mp);
  for (let m = 0; m < M; m++) {
    let sw = 0, sa = 0;
    for (let c = 0; c < C; c++) for (let k = 0; k < kk; k++) {
      const v = d.w[(m * C + c) * kk + k]!;
      sw += v; sa += Math.abs(v);
      wp[m * Kp + Math.floor(c / nl) * kk + k]! |= lane(v, bits, c % nl);
    }
    const bias = (d.bias ? d.bias[m]! : 0) - d.zx * sw;
    const bound = Math.abs(bias) + sa * Math.max(-vlo, vhi);
    if (bound >= (bits === 8 ? 2 ** 31 - 2 ** 15 : 2 ** 46)) {
      throw new BwvmError('DSPLIB_REQUANT', `qconv: channel ${m} accumulator can reach ${bound} (bias ${bias}), beyond the kernel's ${bits === 8 ? 'int32' : '2^46'} range`,
        { hint: 'the bias or weights are too large for the fixed-point kernel; recalibrate the layer' });
    }
    const row = requantRow(d.mult[m]!.m0, d.mult[m]!.shift, d.zy, bits, m);
    row.forEach((v, j) => { q[j * Mp + m] = v; });
    q[QROW.BIAS * Mp + 2 * m] = bias | 0;
    q[QROW.BIAS * Mp + 2 * m + 1] = Math.floor(bias / 2 ** 32);
  }
  return { x, w: wp, q };
}

/** The kernel's integer requantization of an accumulator v (model of qconv-requant.ts, for tests). */
export function requantModel(v: number, row: number[], bits: 8 | 16): number {
  const m0 = (row[QROW.MW]! << 16) >> 16, m1 = row[QROW.M1]!;
  const vq = Math.floor((v + 32768) / 65536), V0 = v - vq * 65536;
  const V1 = ((vq & 0xffff) << 16) >> 16, V2 = (vq - V1) / 65536;
  const t = Math.floor((V0 * m0) / 65536), inner = Math.floor((V1 * m0 + V0 * m1 + t) / 65536);
  const T = V2 * m1 * 65536 + V2 * m0 + V1 * m1 + inner;
  const [lo, hi] = bits === 8 ? [-128, 127] : [-32768, 32767];
  const sat32 = (z: number): number => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, z));
  let r: number;
  if (row[QROW.MA] === -1) r = Math.floor(sat32(sat32(T) + row[QROW.RND]!) / 2 ** row[QROW.SH]!);
  else r = Math.floor(Math.floor((T + row[QROW.CX]! * 65536 + row[QROW.CL]! + 32768) / 65536) / 2 ** row[QROW.SH]!);
  return Math.max(lo, Math.min(hi, sat32(r + row[QROW.ZY]!)));
}
