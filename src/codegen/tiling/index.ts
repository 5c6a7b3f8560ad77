// Public API of generated mode's tiling: the DDR traffic model, the planner (weights on-chip or
// streamed from DDR in double-buffered output-channel tiles) and its per-layer table.
export { layerTraffic, layerWords, tileCandidates, type LayerTraffic, type LayerWeights, type Placement } from './traffic.js';
export { planTiling, planWords, type LayerTilePlan, type TilingOptions, type TilingPlan } from './plan.js';
export { planTable, planText, type PlanTable } from './table.js';
export { bandBuffers, bandHeights, bandsOf, bandTraffic, bandWords, convOut, storedOut, type Band, type BandBuffers, type BandLayer } from './bands.js';
