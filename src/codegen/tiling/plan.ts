// Generated mode's tiling planner: given the on-chip words left for weights after the memory plan
// (activations, kernel data, small constants), decide per layer whether its filters stay on-chip or
// in DDR, and for DDR layers the tile (output-channel group MG) staged into one of two ping/pong
// buffers so the next tile's DMA overlaps the current tile's compute. Exhaustive over the staging
// buffer size (every candidate tile size), a knapsack picks the resident layers; the plan moving the
// fewest DDR words wins (traffic.ts), ties to fewer tiles, then smaller buffers.
import { BwvmError } from '../../util/errors.js';
import { layerTraffic, type LayerTraffic, type LayerWeights, layerWords, type Placement, tileCandidates } from './traffic.js';

export interface LayerTilePlan extends LayerTraffic {
  layer: string;
  M: number;
  placement: Placement;
  /** On-chip buffers the layer's weights use: 'resident' or 'ping/pong'. */
  buffers: string;
  /** Output rows a tile spans (all of the layer's unless the layer runs in row bands). */
  rows?: number;
  /** Banded layers (activations in DDR): number of output-row bands, and where input -> output live ('chip -> DDR'). */
  bands?: number;
  activations?: string;
}

export interface TilingPlan {
  layers: LayerTilePlan[];
  /** Words the plan may use (resident weights + staging buffers). */
  capacityWords: number;
  residentWords: number;
  /** Words of ONE staging buffer (0 when every layer is resident); two are allocated. */
  stagingWords: number;
  /** Total DDR words read / written per inference. */
  ddrIn: number;
  ddrOut: number;
  tiles: number;
}

export interface TilingOptions {
  /** 'auto' (default): the planner decides; 'ddr': every weight layer streams from DDR; 'chip': all resident. */
  weights?: 'auto' | 'ddr' | 'chip';
  /** Fewest output channels per tile (default 8: a conv block's channel group; smaller only when nothing else fits). */
  minChannels?: number;
}

const ALIGN = 8;
const up = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
/** Knapsack resolution: at most this many capacity units (item sizes round up, capacity down: conservative). */
const UNITS = 4096;

/** Largest tile of `l` whose weights fit `S` words (undefined when even one channel does not). */
function bestTile(l: LayerWeights, S: number, minMG: number): number | undefined {
  return tileCandidates(l.M, minMG).filter((mg) => up(mg * l.perChannel) <= S).at(-1);
}

/** Indices of layers to keep resident (maximum resident words within cap; `forced` must be in). */
function knapsack(words: number[], cap: number, forced: boolean[]): Set<number> | undefined {
  const unit = Math.max(ALIGN, Math.ceil(cap / UNITS));
  const C = Math.floor(cap / unit);
  const size = words.map((w) => Math.ceil(up(w) / unit));
  const n = words.length;
  // best[c] = max resident words using capacity c; choice[i][c] = item i taken at c
  let best = new Float64Array(C + 1);
  const choice: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const next = new Float64Array(C + 1).fill(-Infinity), ch = new Uint8Array(C + 1);
    for (let c = 0; c <= C; c++) {
      if (!forced[i]) next[c] = best[c]!;
      if (size[i]! <= c && best[c - size[i]!]! + words[i]! > next[c]!) { next[c] = best[c - size[i]!]! + words[i]!; ch[c] = 1; }
    }
    best = next; choice.push(ch);
  }
  if (!(best[C]! > -Infinity)) return undefined;
  const keep = new Set<number>();
  for (let i = n - 1, c = C; i >= 0; i--) if (choice[i]![c]) { keep.add(i); c -= size[i]!; }
  return keep;
}

function assemblePlan(layers: LayerWeights[], cap: number, resident: Set<number>, S: number, minMG = 1): TilingPlan {
  const out = layers.map((l, i): LayerTilePlan => {
    const ddr = !resident.has(i);
    const tr = layerTraffic(l, ddr ? 'ddr' : 'chip', ddr ? bestTile(l, S, minMG)! : l.M);
    return { layer: l.layer, M: l.M, ...(l.rows !== undefined ? { rows: l.rows } : {}), placement: ddr ? 'ddr' : 'chip', buffers: ddr ? 'ping/pong' : 'resident', ...tr };
  });
  const ddrLayers = out.filter((p) => p.placement === 'ddr');
  const staging = ddrLayers.reduce((a, p) => Math.max(a, up(p.tileWords)), 0);
  return {
    layers: out, capacityWords: cap, stagingWords: staging,
    residentWords: layers.reduce((a, l, i) => a + (resident.has(i) ? up(layerWords(l)) : 0), 0),
    ddrIn: out.reduce((a, p) => a + p.ddrIn, 0), ddrOut: out.reduce((a, p) => a + p.ddrOut, 0), tiles: ddrLayers.reduce((a, p) => a + p.tiles, 0),
  };
}

/** On-chip words a plan occupies: resident weights + two staging buffers. */
export const planWords = (p: TilingPlan): number => p.residentWords + 2 * p.stagingWords;

/** Choose placements and tiles for `layers` within `capacityWords` (throws CODEGEN_TILING when nothing fits). */
export function planTiling(layers: LayerWeights[], capacityWords: number, o: TilingOptions = {}): TilingPlan {
  const minMG = o.minChannels ?? 8;
  if (minMG > 1) {
    try { return search(layers, capacityWords, o.weights ?? 'auto', minMG); } catch (e) { if (!(e instanceof BwvmError && e.code === 'CODEGEN_TILING')) throw e; }
  }
  return search(layers, capacityWords, o.weights ?? 'auto', 1);
}

/** The exhaustive search for one smallest tile size. */
function search(layers: LayerWeights[], capacityWords: number, mode: 'auto' | 'ddr' | 'chip', minMG: number): TilingPlan {
  const all = new Set(layers.map((_, i) => i));
  const total = layers.reduce((a, l) => a + up(layerWords(l)), 0);
  if (mode === 'chip' || (mode === 'auto' && total <= capacityWords)) {
    if (total > capacityWords) throw new BwvmError('CODEGEN_TILING', `weights need ${total} on-chip words; ${capacityWords} are left after activations and kernel data`, { hint: 'use --weights ddr or auto (weights streamed from DDR by DMA)' });
    return assemblePlan(layers, capacityWords, all, 0);
  }
  const sizes = new Set<number>();
  for (const l of layers) for (const mg of tileCandidates(l.M, minMG)) sizes.add(up(mg * l.perChannel));
  let best: TilingPlan | undefined;
  for (const S of [...sizes].sort((a, b) => a - b)) {
    const left = capacityWords - 2 * S;
    if (left < 0) break;
    const forced = layers.map((l) => bestTile(l, S, minMG) === undefined);
    let resident: Set<number> | undefined;
    if (mode === 'ddr') resident = forced.some(Boolean) ? undefined : new Set();
    else resident = knapsack(layers.map(layerWords), left, forced);
    if (!resident) continue;
    const p = assemblePlan(layers, capacityWords, resident, S, minMG);
    if (planWords(p) > capacityWords) continue;
    const better = !best || p.ddrIn + p.ddrOut < best.ddrIn + best.ddrOut
      || (p.ddrIn + p.ddrOut === best.ddrIn + best.ddrOut && (p.tiles < best.tiles || (p.tiles === best.tiles && p.stagingWords < best.stagingWords)));
    if (better) best = p;
  }
  if (!best) {
    const need = layers.reduce((a, l) => Math.max(a, 2 * up(l.perChannel)), 0);
    throw new BwvmError('CODEGEN_TILING', `no tiling fits ${capacityWords} on-chip words for weights (two staging buffers of one output channel need ${need})`,
      { hint: 'the activations leave too little on-chip memory: use a smaller input, or library mode' });
  }
  return best;
}
