// Kernel-table rows for the dense / activation / softmax / concat kernels (spread into DSP_KERNELS
// by table.ts): generator, FLOPs (2 per multiply-accumulate; one per output element for pointwise
// ops and copies, as for relu), description and a small example shape.
import type { TargetDesc } from '../target/index.js';
import { activation, type ActivationKind, type ActivationShape } from './activation.js';
import { concat, type ConcatShape } from './concat.js';
import { dense, matmul, type GemmShape } from './gemm.js';
import { softmax, type SoftmaxShape } from './softmax.js';
import type { KernelRow } from './table.js';

const gemmRow = (name: 'dense' | 'matmul', description: string, gen: typeof dense): KernelRow<GemmShape> => ({
  name, description, generate: (s, t) => gen(s, t), flops: (s) => 2 * s.N * s.K * s.M, example: { N: 4, K: 64, M: 32 },
});

const actRow = (kind: ActivationKind, what: string): KernelRow<ActivationShape> => ({
  name: kind, description: `fp32 ${what} over n contiguous words (4 per access, pinned register slots per quad)`,
  generate: (s, t) => activation(kind, s, t), flops: (s) => s.n, example: { n: 1024 },
});

const ROWS = {
  dense: gemmRow('dense', 'fp32 dense layer y = x·W^T + b (Gemm transB=1): k split over the 4 macros, R x Q register blocks, fsum reduction, optional fused ReLU', dense),
  matmul: gemmRow('matmul', 'fp32 C = A·B (B stored transposed, gemmLayoutB), same blocking as dense, no bias', matmul),
  leakyrelu: actRow('leakyrelu', 'LeakyReLU max(x, alpha·x) (alpha > 1: min)'),
  sigmoid: actRow('sigmoid', 'sigmoid 1/(1+exp(-x)) (exp by range reduction + polynomial, recip)'),
  tanh: actRow('tanh', 'tanh as sign(x)·(-u/(u+2)), u = expm1(-2|x|)'),
  softmax: {
    name: 'softmax', description: 'fp32 softmax over the last axis of [N, K]: max (xfer across macros), exp, fsum, recip + Newton, scale',
    generate: (s: SoftmaxShape, t: TargetDesc) => softmax(s, t), flops: (s: SoftmaxShape) => 5 * s.N * s.K, example: { N: 4, K: 100 },
  },
  concat: {
    name: 'concat', description: 'fp32 channel concat of 2..4 NCHW tensors (4-word copies, 1.5 quads per line)',
    generate: (s: ConcatShape, t: TargetDesc) => concat(s, t), flops: (s: ConcatShape) => s.N * s.C.reduce((a, b) => a + b, 0) * s.H * s.W,
    example: { N: 1, C: [16, 8], H: 8, W: 8 },
  },
};

export const NN_KERNELS = ROWS as unknown as Record<string, KernelRow<never>>;
