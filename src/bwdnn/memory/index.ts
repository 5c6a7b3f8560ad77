// Host-side memory management for bwdnn executors: buffer pool + lifetimes.
export { BufferPool } from './pool.js';
export type { PoolStats } from './pool.js';
export { lastUses, releaseSchedule } from './lifetime.js';
export { trainingStepMemory, type TrainingStepMemory, type TrainingStepMemoryOptions } from './training.js';
