// Output-row bands of a conv layer whose activations live in DDR (generated mode's activation
// tiling): band geometry (input rows each band reads, halo and padding rows, stride-aware), the
// on-chip buffers a band height needs and the DDR words it moves. A band of th output rows reads
// padded input rows [oh0*s, oh0*s + (th-1)*s + kH); rows outside the image are zeros on-chip.

/** A conv layer as the band planner sees it (pool: a fused 2x2 stride-2 pool, bands then even). */
export interface BandLayer {
  layer: string;
  C: number; H: number; W: number; M: number; kH: number; kW: number; stride: number; pad: number;
  pool: boolean;
  /** Where the layer's input and output live. */
  inDdr: boolean; outDdr: boolean;
}

/** One band: conv output rows [oh0, oh0+th), padded input rows from pr0 (Hb of them), image rows [h0, h1). */
export interface Band {
  oh0: number; th: number; pr0: number; Hb: number; h0: number; h1: number;
  /** Zero rows at the top / bottom of the band buffer (image padding). */
  zTop: number; zBot: number;
  /** Stored output rows [yh0, yh0+yth) (pooled rows when the pool is fused). */
  yh0: number; yth: number;
}

export const convOut = (l: BandLayer): { OH: number; OW: number } => ({
  OH: Math.floor((l.H + 2 * l.pad - l.kH) / l.stride) + 1, OW: Math.floor((l.W + 2 * l.pad - l.kW) / l.stride) + 1,
});

/** Stored output shape (pooled when the pool is fused). */
export function storedOut(l: BandLayer): { YH: number; YW: number } {
  const { OH, OW } = convOut(l);
  return l.pool ? { YH: Math.floor(OH / 2), YW: Math.floor(OW / 2) } : { YH: OH, YW: OW };
}

/** Bands of th conv output rows (th even with a fused pool; the last band may be shorter). */
export function bandsOf(l: BandLayer, th: number): Band[] {
  const { OH } = convOut(l);
  const rows = l.pool ? 2 * Math.floor(OH / 2) : OH; // a floor-mode pool never reads an odd last row
  const out: Band[] = [];
  for (let oh0 = 0; oh0 < rows; oh0 += th) {
    const n = Math.min(th, rows - oh0);
    const pr0 = oh0 * l.stride, Hb = (n - 1) * l.stride + l.kH;
    const h0 = Math.max(0, pr0 - l.pad), h1 = Math.min(l.H, pr0 + Hb - l.pad);
    out.push({
      oh0, th: n, pr0, Hb, h0, h1, zTop: h0 + l.pad - pr0, zBot: Hb - (h1 + l.pad - pr0),
      yh0: l.pool ? oh0 / 2 : oh0, yth: l.pool ? n / 2 : n,
    });
  }
  return out;
}

/** Band heights a layer may use: 1..OH (even, >= 2 with a fused pool). */
export function bandHeights(l: BandLayer): number[] {
  const { OH } = convOut(l);
  const out: number[] = [];
  for (let th = l.pool ? 2 : 1; th <= OH; th += l.pool ? 2 : 1) out.push(th);
  return out;
}

const ALIGN = 8;
const up = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** On-chip buffers of a band height: DMA staging (ping/pong, DDR input), zero-bordered input, output (ping/pong to DDR). */
export interface BandBuffers { stage: number; xp: number; yb: number; zeros: number }

/** Buffer words a layer needs at band height th (each counted once; the caller allocates two of stage and yb). */
export function bandBuffers(l: BandLayer, th: number): BandBuffers {
  const bs = bandsOf(l, th);
  const Hb = Math.max(...bs.map((b) => b.Hb)), Wp = l.W + 2 * l.pad;
  const { YW } = storedOut(l);
  const direct = l.inDdr && l.pad === 0; // the DMA fills the kernel's input itself
  return {
    stage: l.inDdr ? up(l.C * Hb * l.W) : 0,
    xp: direct ? 0 : up(l.C * Hb * Wp + 2 * ALIGN), // (guard words around it: border zeroing writes from -pad)
    yb: up(l.M * Math.max(...bs.map((b) => b.yth)) * YW),
    zeros: up(Wp),
  };
}

/** On-chip words the band buffers of th take (two staging and two output buffers when in DDR). */
export function bandWords(l: BandLayer, th: number): number {
  const b = bandBuffers(l, th);
  return 2 * b.stage + b.xp + (l.outDdr ? 2 : 1) * b.yb + b.zeros;
}

/** DDR words a banded layer moves: input rows each band reads (halo rows re-read), its stored output once. */
export function bandTraffic(l: BandLayer, th: number): { bands: number; ddrIn: number; ddrOut: number } {
  const bs = bandsOf(l, th);
  const { YH, YW } = storedOut(l);
  return {
    bands: bs.length,
    ddrIn: l.inDdr ? bs.reduce((a, b) => a + l.C * (b.h1 - b.h0) * l.W, 0) : 0,
    ddrOut: l.outDdr ? l.M * YH * YW : 0,
  };
}
