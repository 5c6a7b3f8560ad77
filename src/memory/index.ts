// Public surface of the memory planner: interval types, greedy and linear planners, the
// lower bound, on-chip/DDR region placement and plan validation.
export * from './types.js';
export { greedyPlan } from './greedy.js';
export { linearPlan } from './linear.js';
export { lowerBound, liveBytesPerStep } from './bound.js';
export { placeRegions } from './regions.js';
export type { RegionOptions, RegionPlan } from './regions.js';
export { checkIntervals, findOverlaps } from './check.js';
