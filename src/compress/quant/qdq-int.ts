// Integer subgraphs of a QDQ export for 16-bit layers (Conv, Gemm, GlobalAveragePool): int16 has
// no integer kernel in onnxruntime (QLinearConv is 8-bit), and a float32 Conv between
// DequantizeLinear and QuantizeLinear rounds sums past 2^24, flipping some outputs by a step that
// compounds over a deep net. These subgraphs compute the fixed-point reference's
// acc = bias + sum (x - zp_x) * w in int64 (MatMul per kernel tap) and its requantization
// zp_y + rndsh(acc * M0, n) exactly, with int64 Mul/Add/Div (floors from truncating divisions).
import type { Initializer, Node, Tensor } from '../../ir/types.js';
import { ONNX_DTYPE_CODES } from '../../ir/ops/misc.js';
import { windowGeometry } from '../../ir/ops/geometry.js';
import { quantRange, type QuantDType } from '../../ir/quant.js';
import { quantizeMultiplier, type Multiplier } from '../../bwdnn/quant/fixed.js';
import type { QNode, QValue } from '../../bwdnn/quant/model.js';
import { BwvmError } from '../../util/errors.js';

/** Emits nodes with unique value names `${pre}_k` and int64 constants. */
class Sub {
  readonly nodes: Node[] = [];
  private k = 0;
  constructor(private readonly pre: string, private readonly init: (t: Initializer) => string) {}
  op(op: string, inputs: string[], attrs: Node['attrs'] = {}, out = `${this.pre}_${this.k++}`): string {
    this.nodes.push({ name: out, op, inputs, outputs: [out], attrs });
    return out;
  }
  i64(vals: ArrayLike<number>, shape: number[]): string {
    return this.init({ name: `${this.pre}_c${this.k++}`, dtype: 'int64', shape, data: BigInt64Array.from(Array.from(vals), (v) => BigInt(v)) });
  }
  f32(v: number): string {
    return this.init({ name: `${this.pre}_c${this.k++}`, dtype: 'float32', shape: [], data: Float32Array.of(v) });
  }
  /**
   * floor(a / d) for d per channel in 1..2^52 from truncating divisions only (onnxruntime's int64
   * Max/Min misorder values in [2^31, 2^32), so no Max/Min here): t = trunc(a/d), r = a - t*d in
   * (-d, d), floor = t + trunc((r - (d-1)) / d), i.e. t - 1 exactly when r < 0.
   */
  floorDiv(a: string, d: number[], shape: number[]): string {
    const D = this.i64(d, shape), t = this.op('Div', [a, D]);
    const r = this.op('Sub', [a, this.op('Mul', [t, D])]);
    return this.op('Add', [t, this.op('Div', [this.op('Sub', [r, this.i64(d.map((v) => v - 1), shape)]), D])]);
  }
}

/**
 * y = sat(zp + rndsh(acc * M0, n), lo, hi) as `out` (dtype dt), per channel along the constants'
 * shape: with M0 = mh*2^16 + ml, rndsh(acc*M0, n) = floor((acc*mh + floor(acc*ml / 2^16) + 2^(n-17)) / 2^(n-16)),
 * exact in int64 for |acc| < 2^46 (and in a float64 executor while |acc * ml| < 2^53).
 */
function requant(b: Sub, acc: string, mults: Multiplier[], shape: number[], zp: number, clamp: [number, number], dt: QuantDType, out: string): void {
  if (mults.some((m) => m.shift < 17 || m.shift > 68)) throw new BwvmError('QUANT_EXPORT', `requantization shifts ${mults.map((m) => m.shift).join(', ')}: only 17..68 can be exported as integer ops`, { hint: 'a layer\'s output range is ~2^-37 of its input range: recalibrate, or export this layer at 8 bits (--layer-bits)' });
  const mh = mults.map((m) => Math.floor(m.m0 / 65536)), ml = mults.map((m, i) => m.m0 - mh[i]! * 65536);
  const low = b.floorDiv(b.op('Mul', [acc, b.i64(ml, shape)]), mults.map(() => 65536), shape);
  const s = b.op('Add', [b.op('Add', [b.op('Mul', [acc, b.i64(mh, shape)]), low]), b.i64(mults.map((m) => 2 ** (m.shift - 17)), shape)]);
  const r = b.floorDiv(s, mults.map((m) => 2 ** (m.shift - 16)), shape);
  const [lo0, hi0] = quantRange(dt);
  const lo = Math.max(lo0, clamp[0]), hi = Math.min(hi0, clamp[1]);
  // saturate in float32 (exact for |v| <= 2^24, monotonic beyond; int64 Max/Min are not safe, see floorDiv)
  const f = b.op('Cast', [b.op('Add', [r, b.i64([zp], [])])], { to: ONNX_DTYPE_CODES.float32 });
  const y = b.op('Clip', [f, b.f32(lo), b.f32(hi)]);
  b.op('Cast', [y], { to: ONNX_DTYPE_CODES[dt] }, out);
}

/** x - zp_x as int64. */
const centered = (b: Sub, xq: string, x: QValue) => b.op('Sub', [b.op('Cast', [xq], { to: ONNX_DTYPE_CODES.int64 }), b.i64([x.quant.zeroPoint[0]!], [])]);

const clampOf = (n: QNode): [number, number] => n.clamp ?? [-Infinity, Infinity];
const numbers = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));

/**
 * Conv: x - zp_x padded with 0, NHWC, one Slice + MatMul per kernel tap (weights [C, M], block-
 * diagonal for groups), summed, plus the bias, then requantized per channel; NCHW again at the end.
 */
export function integerConv(n: QNode, xq: string, x: QValue, y: QValue, inShape: number[], out: string, init: (t: Initializer) => string): Node[] {
  const b = new Sub(`${n.name}_int`, init), W = n.weight!, w = numbers(W);
  const [M, Cg, kH, kW] = W.shape as [number, number, number, number], C = inShape[1]!, group = (n.attrs.group as number | undefined) ?? 1, Mg = M / group;
  const geo = windowGeometry(inShape.slice(2), [kH, kW], n.attrs, n.name);
  const [sH, sW] = geo.strides as [number, number], [dH, dW] = geo.dilations as [number, number], [oH, oW] = geo.out as [number, number];
  const [pT, pL, pB, pR] = geo.pads as [number, number, number, number];
  let xp = centered(b, xq, x);
  if (pT || pL || pB || pR) xp = b.op('Pad', [xp, b.i64([0, 0, pT, pL, 0, 0, pB, pR], [8])], { mode: 'constant' });
  const nhwc = b.op('Transpose', [xp], { perm: [0, 2, 3, 1] });
  let acc: string | undefined;
  for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
    const tap = new Array<number>(C * M).fill(0); // [C, M]
    for (let m = 0; m < M; m++) for (let c = 0; c < Cg; c++) tap[(Math.floor(m / Mg) * Cg + c) * M + m] = w[((m * Cg + c) * kH + kh) * kW + kw]!;
    const sl = b.op('Slice', [nhwc, b.i64([kh * dH, kw * dW], [2]), b.i64([kh * dH + sH * (oH - 1) + 1, kw * dW + sW * (oW - 1) + 1], [2]), b.i64([1, 2], [2]), b.i64([sH, sW], [2])]);
    const p = b.op('MatMul', [sl, b.i64(tap, [C, M])]);
    acc = acc === undefined ? p : b.op('Add', [acc, p]);
  }
  if (n.bias) acc = b.op('Add', [acc!, b.i64(numbers(n.bias), [M])]);
  const q = `${n.name}_int_nhwc`;
  requant(b, acc!, n.requant!, [M], y.quant.zeroPoint[0]!, clampOf(n), y.dtype, q);
  b.op('Transpose', [q], { perm: [0, 3, 1, 2] }, out);
  return b.nodes;
}

/** Gemm: (x - zp_x) [N, K] times the weights [K, M] in int64, plus the bias, requantized. */
export function integerGemm(n: QNode, xq: string, x: QValue, y: QValue, out: string, init: (t: Initializer) => string): Node[] {
  const b = new Sub(`${n.name}_int`, init), W = n.weight!, w = numbers(W), [M, K] = W.shape as [number, number];
  const wt = new Array<number>(K * M);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) wt[k * M + m] = w[m * K + k]!;
  let acc = b.op('MatMul', [centered(b, xq, x), b.i64(wt, [K, M])]);
  if (n.bias) acc = b.op('Add', [acc, b.i64(numbers(n.bias), [M])]);
  requant(b, acc, n.requant!, [M], y.quant.zeroPoint[0]!, clampOf(n), y.dtype, out);
  return b.nodes;
}

/** GlobalAveragePool: the integer sum over H*W (a MatMul with ones), requantized by s_x / (s_y * H*W). */
export function integerGlobalAvg(n: QNode, xq: string, x: QValue, y: QValue, inShape: number[], out: string, init: (t: Initializer) => string): Node[] {
  const b = new Sub(`${n.name}_int`, init), hw = inShape[2]! * inShape[3]!;
  const flat = b.op('Reshape', [centered(b, xq, x), b.i64([0, 0, -1], [3])]);
  const sum = b.op('Reshape', [b.op('MatMul', [flat, b.i64(new Array<number>(hw).fill(1), [hw, 1])]), b.i64([0, 0, 1, 1], [4])]);
  requant(b, sum, [quantizeMultiplier(x.quant.scale[0]! / (y.quant.scale[0]! * hw))], [1], y.quant.zeroPoint[0]!, clampOf(n), y.dtype, out);
  return b.nodes;
}

/** The requantization alone (for tests): int64 `acc` -> `out` of dtype dt, one multiplier per element of the last axis. */
export function integerRequant(pre: string, acc: string, mults: Multiplier[], zp: number, dt: QuantDType, out: string, init: (t: Initializer) => string, clamp: [number, number] = [-Infinity, Infinity]): Node[] {
  const b = new Sub(pre, init);
  requant(b, acc, mults, [mults.length], zp, clamp, dt, out);
  return b.nodes;
}

/**
 * QuantizeLinear of the float input, exactly the reference's round_half_even(x / s) + zp for a
 * float32 scale s = ms * 2^e (onnxruntime divides in float32, and a quotient rounded onto k + 1/2
 * goes to even: ~0.1 % of int16 inputs near the top of the range land a step off). With
 * K = 25 - floor(log2 s), X = x * 2^K is an integer (after clamping x to the saturation range;
 * |x| < s/4 may truncate but still gives 0) and S = s * 2^K = 4 * ms < 2^26: q = round(X / S), half
 * to even, by truncating divisions on int64 values below 2^43.
 */
export function integerQuantizeInput(x: string, v: QValue, out: string, init: (t: Initializer) => string): Node[] {
  const b = new Sub(`${out}_int`, init), s = v.quant.scale[0]!, zp = v.quant.zeroPoint[0]!, [lo, hi] = quantRange(v.dtype);
  if (Math.fround(s) !== s || !(s > 0)) throw new BwvmError('QUANT_EXPORT', `input scale ${s} is not a positive float32`, { hint: 'lowerToInteger gives float32 scales; re-quantize the model' });
  const K = 25 - Math.floor(Math.log2(s)), S = s * 2 ** K;
  if (!Number.isInteger(S) || K > 127) throw new BwvmError('QUANT_EXPORT', `input scale ${s} cannot be exported exactly`);
  const clipped = b.op('Clip', [x, b.f32(Math.fround((lo - zp - 1) * s)), b.f32(Math.fround((hi - zp + 1) * s))]);
  const X = b.op('Cast', [b.op('Mul', [clipped, b.f32(2 ** K)])], { to: ONNX_DTYPE_CODES.int64 });
  const t = b.floorDiv(X, [S], []);
  const r2 = b.op('Mul', [b.op('Sub', [X, b.op('Mul', [t, b.i64([S], [])])]), b.i64([2], [])]);
  const Sc = b.i64([S], []);
  const gt = b.op('Div', [b.op('Sub', [r2, b.i64([1], [])]), Sc]); // 2 rem > S
  const tie = b.op('Sub', [b.op('Div', [r2, Sc]), gt]); // 2 rem == S
  const odd = b.op('Sub', [t, b.op('Mul', [b.floorDiv(t, [2], []), b.i64([2], [])])]);
  const q = b.op('Add', [b.op('Add', [t, gt]), b.op('Mul', [tie, odd])]);
  const f = b.op('Cast', [b.op('Add', [q, b.i64([zp], [])])], { to: ONNX_DTYPE_CODES.float32 });
  b.op('Cast', [b.op('Clip', [f, b.f32(lo), b.f32(hi)])], { to: ONNX_DTYPE_CODES[v.dtype] }, out);
  return b.nodes;
}
