// Minibatch iteration over a Dataset: seeded shuffling (one permutation per epoch), optional
// drop of the last partial batch, and augmentation (random crop with zero padding,
// horizontal flip) applied while copying each image into the batch.

import type { Dataset } from './dataset.js';

export interface Augment {
  /** zero-pad by this many pixels on every side, then crop back at a random offset */
  cropPadding?: number;
  /** flip left-right with probability 1/2 */
  flip?: boolean;
}

export interface BatchOptions {
  batchSize: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
  augment?: Augment;
}

export interface Batch {
  images: Float32Array;
  labels: Int32Array;
  size: number;
  /** dataset indices of the batch's images */
  indices: Int32Array;
}

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates permutation of [0, n). */
export function permutation(n: number, random: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Copies image `src` of ds into dst with the given crop offset (dy, dx in [-pad, pad]) and flip. */
function copyImage(ds: Dataset, src: number, dst: Float32Array, at: number, dy: number, dx: number, flip: boolean): void {
  const [C, H, W] = ds.shape;
  const per = C * H * W;
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      const sy = y + dy;
      const row = at + c * H * W + y * W;
      if (sy < 0 || sy >= H) { dst.fill(0, row, row + W); continue; }
      const srow = src * per + c * H * W + sy * W;
      for (let x = 0; x < W; x++) {
        const sx = (flip ? W - 1 - x : x) + dx;
        dst[row + x] = sx < 0 || sx >= W ? 0 : ds.images[srow + sx];
      }
    }
  }
}

/** Iterates one epoch of minibatches. With the same seed the order and augmentation repeat. */
export function* batches(ds: Dataset, opts: BatchOptions): Generator<Batch> {
  const random = rng(opts.seed ?? 0);
  const order = opts.shuffle ? permutation(ds.n, random) : Int32Array.from({ length: ds.n }, (_, i) => i);
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const pad = opts.augment?.cropPadding ?? 0;
  const flip = opts.augment?.flip ?? false;
  for (let start = 0; start < ds.n; start += opts.batchSize) {
    const size = Math.min(opts.batchSize, ds.n - start);
    if (size < opts.batchSize && opts.dropLast) return;
    const images = new Float32Array(size * per);
    const labels = new Int32Array(size);
    const indices = order.slice(start, start + size);
    for (let b = 0; b < size; b++) {
      const i = indices[b];
      labels[b] = ds.labels[i];
      if (pad === 0 && !flip) { images.set(ds.images.subarray(i * per, (i + 1) * per), b * per); continue; }
      const dy = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
      const dx = pad ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
      copyImage(ds, i, images, b * per, dy, dx, flip && random() < 0.5);
    }
    yield { images, labels, size, indices };
  }
}
