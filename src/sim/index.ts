// Public API of the simulator layer: Simulator (load a Program, set inputs, run, read outputs,
// profile) and the profiler's types and formatting.
export { Simulator, type RunOptions, type RunResult, type TraceEvent } from './simulator.js';
export { type Profile, type Figures, type RegionProfile, type TimelineSample, type StallCause, STALL_CAUSES, profileTable, formatProfile } from './profile.js';
export type { DmaStats } from './dma.js';
