// Public surface of the graph optimizer: pass contract and table, pipelines O0/O1/O2, the pass
// manager, instruments, fusion/layout metadata readers and activation lifetimes.
export type { Pass, PassContext } from './pass.js';
export { PASSES } from './passes/index.js';
export { PIPELINES, pipelineNames, resolvePipeline } from './pipelines.js';
export { optimize, runPasses } from './manager.js';
export type { OptimizeOptions, OptimizeResult, PassLogEntry } from './manager.js';
export { dumpInstrument, verifyInstrument, referenceInstrument, randomFeeds } from './instruments.js';
export type { Instrument } from './instruments.js';
export { readFusion, FUSION_KEY } from './fusion.js';
export type { FusionGroup } from './fusion.js';
export { readLayout, LAYOUT_KEY } from './passes/layout.js';
export { activationIntervals } from './liveness.js';
export type { LiveInterval } from './liveness.js';
