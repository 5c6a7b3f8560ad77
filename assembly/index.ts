// Entry point of the bwDNN WebAssembly kernels: re-exports every kernel and reports the
// build variant (plain SIMD or relaxed SIMD) and where the static data ends.
export { isRelaxed } from './common';
export { gemm, setBlocking, gemmWorkspaceBytes } from './gemm';
export { conv2dGemm, conv2dGemmWorkspaceBytes } from './conv';
export { conv2dDirect, conv2dDirectWorkspaceBytes } from './direct';
export { depthwise, depthwiseWorkspaceBytes } from './depthwise';
export { pool2d } from './pool';
export { activation, add, mul, batchNorm, channelAffine } from './eltwise';
export { gemmGather, padBatch, toChannelMajor, dilatePlanes } from './convgrad';
export { qconv, qconvWorkspaceBytes } from './qconv';
export { reluGrad, bnStats, bnGradSums, affine2, maxPool2x2Grad } from './train';

export function heapBase(): usize {
  return __heap_base;
}
