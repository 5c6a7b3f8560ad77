// Host-side data layout for qdense (qdense.ts): packs int8 (int16) activations and weights 4 (2)
// lanes per word, folds the input zero point into the bias, and splits each channel's requantization
// multiplier (M0, n) into the table rows the kernel's integer epilogue reads.
import { BwvmError } from '../util/errors.js';
import { gemmPitch } from './gemm.js';
import { requantRow } from './qconv-pack.js';
import { QTABLE_ROWS, qdenseTableRows, qdenseWords, qtablePitch } from './qdense.js';
import { QD16 } from './qdense-requant16.js';

export interface QDenseData {
  N: number; K: number; M: number;
  /** Lane width (default 8); int16 takes the kernel generated with bits: 16. */
  bits?: 8 | 16;
  /** int8 (int16) values, [N,K] and [M,K] row-major. */
  x: ArrayLike<number>; w: ArrayLike<number>;
  /** int32 bias per output channel (optional). */
  bias?: ArrayLike<number>;
  /** Per output channel requantization multiplier (bwdnn quant's quantizeMultiplier). */
  mult: ReadonlyArray<{ m0: number; shift: number }>;
  zx: number; zy: number;
}

function pack(vals: ArrayLike<number>, rows: number, K: number, pitch: number, extra: number, bits: 8 | 16 = 8): Int32Array {
  const out = new Int32Array(rows * pitch + extra);
  if (bits === 16) for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) out[r * pitch + (k >> 1)]! |= (vals[r * K + k]! & 0xffff) << (16 * (k & 1));
  else for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) out[r * pitch + (k >> 2)]! |= (vals[r * K + k]! & 0xff) << (8 * (k & 3));
  return out;
}

/** int16: qconv's requantization rows, the folded bias as BQ*2^16 + B0 (B0 in [-2^15, 2^15)); |acc| < 2^46. */
function pack16(d: QDenseData): { x: Int32Array; w: Int32Array; q: Int32Array } {
  const { N, K, M } = d, Kw = qdenseWords(K, 16), Mp = qtablePitch(M);
  const q = new Int32Array(qdenseTableRows(16) * Mp);
  for (let m = 0; m < M; m++) {
    let sw = 0, sa = 0;
    for (let k = 0; k < K; k++) { const v = d.w[m * K + k]!; sw += v; sa += Math.abs(v); }
    const bias = (d.bias ? d.bias[m]! : 0) - d.zx * sw;
    if (Math.abs(bias) + sa * 32768 >= 2 ** 46) {
      throw new BwvmError('DSPLIB_REQUANT', `qdense: channel ${m} accumulator can reach ${Math.abs(bias) + sa * 32768} (bias ${bias}, K=${K}), beyond the int16 kernel's 2^46 range`,
        { hint: 'the bias or weights are too large for the fixed-point kernel; recalibrate the layer' });
    }
    const row = requantRow(d.mult[m]!.m0, d.mult[m]!.shift, d.zy, 16, m, 'qdense');
    row.forEach((v, j) => { q[j * Mp + m] = v; });
    const bq = Math.floor((bias + 32768) / 65536);
    q[QD16.B0 * Mp + m] = bias - bq * 65536;
    q[QD16.BQ * Mp + m] = bq;
  }
  return { x: pack(d.x, N, K, Kw, 4, 16), w: pack(d.w, M, K, gemmPitch(Kw), 0, 16), q };
}

/** Input words of the qdense kernel: { x, w, q } by symbol. */
export function qdensePack(d: QDenseData): { x: Int32Array; w: Int32Array; q: Int32Array } {
  if (d.bits === 16) return pack16(d);
  const { N, K, M } = d, Kw = qdenseWords(K), Mp = qtablePitch(M);
  const q = new Int32Array(QTABLE_ROWS * Mp);
  for (let m = 0; m < M; m++) {
    const { m0, shift: n } = d.mult[m]!;
    if (!(n >= 33 && n <= 63) || !(m0 >= 2 ** 30 && m0 < 2 ** 31)) {
      throw new BwvmError('DSPLIB_REQUANT', `qdense: channel ${m} multiplier M0=${m0} n=${n} is outside the kernel's range (n in 33..63, i.e. real multiplier below 1/4)`,
        { hint: 'rescale the layer (output scale) so that scale_x*scale_w/scale_y is below 1/4, or run it with the bwdnn quant reference' });
    }
    let sw = 0;
    for (let k = 0; k < K; k++) sw += d.w[m * K + k]!;
    const bias = (d.bias ? d.bias[m]! : 0) - d.zx * sw;
    if (Math.abs(bias) + K * 255 * 128 >= 2 ** 31) {
      throw new BwvmError('DSPLIB_REQUANT', `qdense: channel ${m} accumulator can leave int32 (bias ${bias}, K=${K})`, { hint: 'the int32 bias is too large for the int8 kernel; recalibrate the layer' });
    }
    const row = [m0 % 65536, Math.floor(m0 / 65536), 2 ** (n - 33), n - 32, d.zy, bias];
    row.forEach((v, j) => { q[j * Mp + m] = v; });
  }
  return { x: pack(d.x, N, K, Kw, 4), w: pack(d.w, M, K, gemmPitch(Kw), 0), q };
}
