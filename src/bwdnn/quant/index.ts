// Public surface of bwDNN's fixed-point reference: rounding/saturation primitives, the lowered
// integer model types, the integer kernel table and its executor.
export { roundShift, saturate, roundHalfEven, quantizeMultiplier, multiplierValue, mulShift, mulShifter, requantize, type Multiplier } from './fixed.js';
export type { QModel, QNode, QValue, QTensor } from './model.js';
export { QKERNELS, fastQKernels, runQuantized, quantizeTensor, dequantizeTensor, type QRunResult, type QRunOptions } from './execute.js';
export { fastQconv, fastConvRefusal, fastConvChoice, type FastConvKind } from './fast-conv.js';
export type { QKernel, QKernelCtx } from './kernels-mac.js';
