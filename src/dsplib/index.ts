// Public API of dsplib: template-generated DSP assembly kernels for one exact shape each, and the
// kernel table (name -> generator, FLOPs, description) that tools list and run.
export { type DspKernel, type KernelTensor, type DspDType, layoutData, tensorWords } from './kernel.js';
export { conv2d, conv2dBlocks, type Conv2dShape, type Conv2dOptions } from './conv2d.js';
export { type ConvActivation, type EpilogueOptions } from './conv2d-epilogue.js';
export { conv2dTiled, type Conv2dTiledOptions } from './tiled/conv2d-tiled.js';
export { type Dma, DmaTable } from './tiled/dma.js';
export { DSP_KERNELS, type KernelRow } from './table.js';
export { emitNest, staticLines } from './emit.js';
export { OpBuilder, resolveIncrements } from './builder.js';
export { type Op, schedule } from './schedule.js';
export { eltwise, type EltwiseKind, type EltwiseShape } from './eltwise.js';
export { batchnorm, foldBatchNorm, type BatchNormShape } from './batchnorm.js';
export { pool, type PoolKind, type PoolShape } from './pool.js';
export { deconv, deconvWeights, type DeconvShape, type DeconvOptions } from './deconv.js';
export { depthwise, type DepthwiseShape, type DepthwiseOptions } from './depthwise.js';
export { dense, matmul, gemmLayoutB, gemmPitch, type GemmShape, type GemmOptions } from './gemm.js';
export { activation, type ActivationKind, type ActivationShape } from './activation.js';
export { softmax, type SoftmaxShape } from './softmax.js';
export { concat, type ConcatShape } from './concat.js';
export { qdense, type QDenseShape } from './qdense.js';
export { qdensePack, type QDenseData } from './qdense-pack.js';
export { qconv, type QConvShape, type QConvOptions } from './qconv.js';
export { qconvPack, type QConvData, type QConvLayout } from './qconv-pack.js';
export { copyPlanes, type CopySpec } from './copy.js';
export { qclamp, qadd, type QClampShape, type QAddShape } from './q-eltwise.js';
export { qmaxpool, qgap, type QMaxPoolShape, type QGapShape } from './q-pool.js';
export { qpack, packedZero, type QPackShape } from './q-pack.js';
