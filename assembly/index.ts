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
export { qconvWorkspaceBytes } from './qcols';
export { qconv } from './qconv';
export { qconv16 } from './qconv16';
export { reluGrad, bnStats, bnGradSums, affine2, maxPool2x2Grad } from './train';

export function heapBase(): usize {
  return __heap_base;
}
