// Public API of generated mode (the DSP compiler): lower an IR graph to one straight Program of
// fused, shape-exact, inlined kernels with a liveness-planned memory layout.
export { DEDICATED_ROOM, lowerToDsp, SHARED_MAX_COST, type DspModel, type DspLayer, type DspOptions } from './lower.js';
export { fuseLayers, type LayerGroup } from './fuse.js';
export { inlineKernel, parseKernel, type Inlined, type PrivateDef } from './inline.js';
export { dspAsmSource } from './emit-asm.js';
