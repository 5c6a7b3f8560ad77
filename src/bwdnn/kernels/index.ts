// Public surface of bwDNN's fast host kernels (WebAssembly SIMD, 1-2 threads).
export { DnnRuntime, createRuntime, splitRange, type RuntimeOptions } from './runtime.js';
export { ACTIVATIONS, activationCode, type Activation, type ActivationKind, type ActivationSpec } from './activation.js';
export { gemmPtr, matmul, dense, type GemmPtrArgs, type MatmulOptions } from './gemm.js';
export { conv2d, conv2dPtr, convOutputShape, chooseConvAlgo, CONV_ALGOS, type ConvGeometry, type ConvAlgo } from './conv.js';
export { pool2d, pool2dPtr, poolOutputShape, type PoolGeometry } from './pool.js';
export { activation, activationPtr, binary, binaryPtr, batchNorm, batchNormPtr, channelAffine, channelAffinePtr, type BatchNormParams } from './eltwise.js';
export { FAST_OPS, fastKernels } from './ops.js';
