// The compiled fast forward of bwDNN (inference on the WebAssembly kernels with fusion and
// arena-resident activations): compileForward and its parts.
export { compileForward, type CompiledForward } from './forward.js';
export { fuseGroups, ACTIVATION_OPS, type FusedGroup } from './fuse.js';
export { placeBuffers, liveBound, type Interval } from './liveness.js';
