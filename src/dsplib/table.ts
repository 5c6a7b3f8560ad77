// The dsplib kernel table: name -> generator, FLOP count, description and an example shape, so
// tools (a `%dsplib` magic, benchmarks) can list kernels and run them. One row per kernel.
import type { TargetDesc } from '../target/index.js';
import { conv2d, type Conv2dShape } from './conv2d.js';
import { conv2dTiled } from './tiled/conv2d-tiled.js';
import type { DspKernel } from './kernel.js';
import { batchnorm, type BatchNormShape } from './batchnorm.js';
import { pool, type PoolKind, type PoolShape } from './pool.js';
import { eltwise, type EltwiseKind, type EltwiseShape } from './eltwise.js';
import { NN_KERNELS } from './table-nn.js';
import { DECONV_KERNELS } from './deconv-table.js';
import { qdense, type QDenseShape } from './qdense.js';
import { qconv, type QConvShape } from './qconv.js';

export interface KernelRow<S = Record<string, number>> {
  name: string;
  description: string;
  /** Generate the kernel for one exact shape. */
  generate(shape: S, target: TargetDesc): DspKernel;
  /** Useful FLOPs of the shape (2 per multiply-accumulate). */
  flops(shape: S): number;
  /** A small shape to try the kernel with. */
  example: S;
}

const convOut = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;

const CONV2D: KernelRow<Conv2dShape> = {
  name: 'conv2d',
  description: 'fp32 2-D convolution with bias, NCHW input, OIHW weights (odd row pitch), 4 macros x register-blocked output tiles',
  generate: (s, t) => conv2d(s, t),
  flops: (s) => (s.N ?? 1) * 2 * s.M * s.C * s.kH * s.kW * convOut(s.H, s.kH, s.stride, s.pad) * convOut(s.W, s.kW, s.stride, s.pad),
  example: { C: 16, H: 16, W: 16, M: 16, kH: 3, kW: 3, stride: 1, pad: 1 },
};
const convRow = (name: string, description: string, generate: KernelRow<Conv2dShape>['generate'], example: Conv2dShape): KernelRow<Conv2dShape> =>
  ({ ...CONV2D, name, description, generate, example });
const CONV_VARIANTS = {
  conv2d_relu: convRow('conv2d_relu', 'conv2d with fused ReLU before the store (Conv -> Relu); also relu6 / leaky via conv2d options',
    (s, t) => conv2d(s, t, { activation: 'relu' }), { N: 2, C: 5, H: 9, W: 9, M: 6, kH: 3, kW: 3, stride: 1, pad: 1 }),
  conv2d_add_relu: convRow('conv2d_add_relu', 'conv2d with fused residual add and ReLU: y = relu(conv(x) + b + addend) (ResNet block end)',
    (s, t) => conv2d(s, t, { addend: true, activation: 'relu' }), { C: 8, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 }),
  conv2d_tiled: convRow('conv2d_tiled', 'conv2d with x/w/b/y in DDR: row-band x channel-group tiles streamed by double-buffered DMA (layers larger than on-chip memory)',
    (s, t) => conv2dTiled(s, t), { C: 6, H: 10, W: 10, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 }),
};

const elt = (kind: EltwiseKind, what: string): KernelRow<EltwiseShape> => ({
  name: kind, description: `fp32 ${what} over n contiguous words (4 per access, rotating registers)`,
  generate: (s, t) => eltwise(kind, s, t), flops: (s) => s.n, example: { n: 1024 },
});

const poolRow = (kind: PoolKind, what: string): KernelRow<PoolShape> => ({
  name: kind, description: `fp32 ${what} pooling, k x k window, stride s, no padding (k = H = W: global)`,
  generate: (s, t) => pool(kind, s, t),
  flops: (s) => s.C * (Math.floor((s.H - s.k) / s.stride) + 1) * (Math.floor((s.W - s.k) / s.stride) + 1) * s.k * s.k,
  example: { C: 16, H: 16, W: 16, k: 2, stride: 2 },
});

const qconvRow = (bits: 8 | 16, how: string, example: QConvShape): KernelRow<never> => ({
  name: `qconv_i${bits}`,
  description: `int${bits} fixed-point conv2d: ${how} into 64-bit accumulator pairs, folded zero point and bias, exact per-channel M0*2^-n requantization pass, int${bits} saturation (bit-exact with bwdnn quant); inputs via qconvPack`,
  generate: (s: QConvShape, t: TargetDesc) => qconv({ ...s, bits }, t),
  flops: (s: QConvShape) => 2 * s.M * s.C * s.kH * s.kW * convOut(s.H, s.kH, s.stride, s.pad) * convOut(s.W, s.kW, s.stride, s.pad),
  example,
}) as unknown as KernelRow<never>;

/** All kernels by name. */
export const DSP_KERNELS: Record<string, KernelRow<never>> = {
  conv2d: CONV2D as unknown as KernelRow<never>,
  ...(CONV_VARIANTS as unknown as Record<string, KernelRow<never>>),
  relu: elt('relu', 'ReLU max(x, 0)') as unknown as KernelRow<never>,
  relu6: elt('relu6', 'ReLU6 min(max(x, 0), 6)') as unknown as KernelRow<never>,
  add: elt('add', 'element-wise add x + x2') as unknown as KernelRow<never>,
  ...NN_KERNELS,
  ...DECONV_KERNELS,
  qdense_i8: {
    name: 'qdense_i8', description: 'int8 fixed-point dense: mac8 (4 lanes/word) into accumulator pairs, bias, per-channel M0*2^-n requantization, zero points, int8 saturation (bit-exact with bwdnn quant); inputs via qdensePack',
    generate: (s: QDenseShape, t: TargetDesc) => qdense(s, t), flops: (s: QDenseShape) => 2 * s.N * s.K * s.M, example: { N: 4, K: 37, M: 10, bits: 8 },
  } as unknown as KernelRow<never>,
  qdense_i16: {
    name: 'qdense_i16', description: 'int16 fixed-point dense: mac16 (2 lanes/word) into 64-bit accumulator pairs, cross-macro sums in 16-bit limbs, bias, exact per-channel M0*2^-n requantization, zero points, int16 saturation (bit-exact with bwdnn quant); inputs via qdensePack (bits: 16)',
    generate: (s: QDenseShape, t: TargetDesc) => qdense({ ...s, bits: 16 }, t), flops: (s: QDenseShape) => 2 * s.N * s.K * s.M, example: { N: 4, K: 37, M: 10, bits: 16 },
  } as unknown as KernelRow<never>,
  qconv_i8: qconvRow(8, 'mac8 (4 input channels per word)', { C: 8, H: 8, W: 8, M: 8, kH: 3, kW: 3, stride: 1, pad: 1, bits: 8 }),
  qconv_i16: qconvRow(16, 'mac16 (2 input channels per word)', { C: 6, H: 8, W: 8, M: 6, kH: 3, kW: 3, stride: 1, pad: 1, bits: 16 }),
  maxpool: poolRow('maxpool', 'max') as unknown as KernelRow<never>,
  avgpool: poolRow('avgpool', 'average') as unknown as KernelRow<never>,
  batchnorm: {
    name: 'batchnorm', description: 'fp32 batch-norm inference y = x*scale[c] + shift[c] (scale/shift folded on the host by foldBatchNorm)',
    generate: (s: BatchNormShape, t: TargetDesc) => batchnorm(s, t), flops: (s: BatchNormShape) => 2 * s.C * s.H * s.W, example: { C: 16, H: 8, W: 8 },
  } as unknown as KernelRow<never>,
};
