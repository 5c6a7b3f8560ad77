// Public API of library mode: lower an IR graph to calls of the hand-written dsplib kernels,
// and the op -> kernel table it uses.
export { lowerToLibrary, type LibraryOptions, type LibraryModel, type LibraryLayer, type LibraryTensor } from './lower.js';
export { LIBRARY_OPS, loweringFor, type OpLowering, type LoweredCall, type ArgSource, type LowerContext } from './ops.js';
