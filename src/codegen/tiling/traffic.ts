// The DDR traffic model of generated mode's tiling: what a layer moves between DDR and on-chip
// memory for a given placement and tile (output-channel group). Weights kept in DDR are read once
// per tile (each tile = MG output channels' filters, in kernel layout) and never written back;
// activations kept in DDR move by output-row bands (bands.ts). The simulator's DMA counters must
// equal these figures plus the bands' (tested).

/** One weight-carrying layer as the planner sees it. */
export interface LayerWeights {
  /** Layer (profiler region) name. */
  layer: string;
  /** Output channels (the dimension tiles split). */
  M: number;
  /** Weight words per output channel in kernel layout (the row pitch of a filter). */
  perChannel: number;
  /** Output rows of the layer (a tile spans all of them: activations stay on-chip). */
  rows?: number;
}

export type Placement = 'chip' | 'ddr';

/** Traffic of one layer under a placement and tile. */
export interface LayerTraffic {
  /** Output channels per tile (M when the layer is one tile). */
  MG: number;
  tiles: number;
  /** Words of the largest tile's weights (one staging buffer must hold it). */
  tileWords: number;
  /** DDR words read (weights streamed in) and written (outputs streamed out). */
  ddrIn: number;
  ddrOut: number;
}

/** Total weight words of a layer in kernel layout. */
export const layerWords = (l: LayerWeights): number => l.M * l.perChannel;

/** Tile sizes a layer may use: the divisors of M (every tile then runs the same kernel), at least min(M, minMG). */
export function tileCandidates(M: number, minMG = 1): number[] {
  const out: number[] = [];
  for (let d = Math.min(M, minMG); d <= M; d++) if (M % d === 0) out.push(d);
  return out;
}

/** DDR words a layer moves with its weights at `placement`, tiled in groups of MG output channels. */
export function layerTraffic(l: LayerWeights, placement: Placement, MG: number = l.M): LayerTraffic {
  if (placement === 'chip') return { MG: l.M, tiles: 1, tileWords: 0, ddrIn: 0, ddrOut: 0 };
  const tiles = Math.ceil(l.M / MG);
  return { MG, tiles, tileWords: MG * l.perChannel, ddrIn: l.M * l.perChannel, ddrOut: 0 };
}
