// Host-side data layout for qdense (qdense.ts): packs int8 activations and weights 4 lanes per
// word, folds the input zero point into the bias, and splits each channel's requantization
// multiplier (M0, n) into the table rows the kernel's integer epilogue reads.
import { BwvmError } from '../util/errors.js';
import { gemmPitch } from './gemm.js';
import { QTABLE_ROWS, qdenseWords, qtablePitch } from './qdense.js';

export interface QDenseData {
  N: number; K: number; M: number;
  /** int8 values, [N,K] and [M,K] row-major. */
  x: ArrayLike<number>; w: ArrayLike<number>;
  /** int32 bias per output channel (optional). */
  bias?: ArrayLike<number>;
  /** Per output channel requantization multiplier (bwdnn quant's quantizeMultiplier). */
  mult: ReadonlyArray<{ m0: number; shift: number }>;
  zx: number; zy: number;
}

function pack(vals: ArrayLike<number>, rows: number, K: number, pitch: number, extra: number): Int32Array {
  const out = new Int32Array(rows * pitch + extra);
  for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) out[r * pitch + (k >> 2)]! |= (vals[r * K + k]! & 0xff) << (8 * (k & 3));
  return out;
}

/** Input words of the qdense kernel: { x, w, q } by symbol. */
export function qdensePack(d: QDenseData): { x: Int32Array; w: Int32Array; q: Int32Array } {
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
