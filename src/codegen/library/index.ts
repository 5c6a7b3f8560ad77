// Public API of library mode: lower an IR graph to calls of the hand-written dsplib kernels,
// and the op -> kernel table it uses.
export { lowerToLibrary, type LibraryOptions, type LibraryModel, type LibraryLayer, type LibraryTensor } from './lower.js';
export { LIBRARY_OPS, loweringFor, type OpLowering, type LoweredCall, type ArgSource, type LowerContext } from './ops.js';
export { depthwiseRefusal } from './ops-nn.js';
export { lowerQuantizedToLibrary, type QLibraryModel, type QLibraryLayer, type QLibraryTensor, type QLibraryOptions } from './qlower.js';
export { QLIBRARY_OPS, qloweringFor, type QLowering, type QCall, type QArg, type QLowerCtx } from './qops.js';
export { qlibraryAsmSource } from './qemit.js';
