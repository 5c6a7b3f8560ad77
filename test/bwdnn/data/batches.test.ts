// Minibatches: every image exactly once per epoch, seeded shuffles repeat, dropLast, and
// augmentation (crop with padding shifts content, flip mirrors) on a hand-made dataset.
import { describe, it, expect } from 'vitest';
import { batches } from '../../../src/bwdnn/data/batches.js';
import { fromPixels, type Dataset } from '../../../src/bwdnn/data/dataset.js';

function toy(n: number, H = 4, W = 5): Dataset {
  const px = new Uint8Array(n * H * W);
  for (let i = 0; i < n; i++) for (let p = 0; p < H * W; p++) px[i * H * W + p] = (i * 10 + p) % 256;
  return fromPixels(px, Array.from({ length: n }, (_, i) => i % 10), [1, H, W], { normalize: 'none' });
}

describe('batches', () => {
  it('covers the epoch once, in order without shuffle', () => {
    const ds = toy(10);
    const bs = [...batches(ds, { batchSize: 4 })];
    expect(bs.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(bs.flatMap((b) => Array.from(b.indices))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(bs[1].images[0]).toBe(40); // image 4, pixel 0
    expect([...batches(ds, { batchSize: 4, dropLast: true })].length).toBe(2);
  });

  it('shuffles reproducibly by seed', () => {
    const ds = toy(50);
    const order = (seed: number) => [...batches(ds, { batchSize: 8, shuffle: true, seed })].flatMap((b) => Array.from(b.indices));
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
    expect([...order(3)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const b = [...batches(ds, { batchSize: 50, shuffle: true, seed: 4 })][0];
    b.indices.forEach((i, k) => expect(b.labels[k]).toBe(i % 10));
  });

  it('flip mirrors rows; crop with padding shifts and zero-fills', () => {
    const ds = toy(64);
    const W = 5;
    const flipped = [...batches(ds, { batchSize: 64, augment: { flip: true }, seed: 7 })][0];
    let mirrored = 0;
    for (let b = 0; b < 64; b++) {
      const i = flipped.indices[b];
      const row = Array.from(flipped.images.subarray(b * 20, b * 20 + W));
      const orig = Array.from(ds.images.subarray(i * 20, i * 20 + W));
      if (row.join() === [...orig].reverse().join()) mirrored++;
      else expect(row).toEqual(orig);
    }
    expect(mirrored).toBeGreaterThan(10);
    expect(mirrored).toBeLessThan(54);
    const cropped = [...batches(ds, { batchSize: 64, augment: { cropPadding: 2 }, seed: 7 })][0];
    let shifted = 0;
    for (let b = 0; b < 64; b++) {
      const img = Array.from(cropped.images.subarray(b * 20, (b + 1) * 20));
      const i = cropped.indices[b];
      const orig = Array.from(ds.images.subarray(i * 20, (i + 1) * 20));
      if (img.join() !== orig.join()) shifted++;
      // every pixel is zero padding or a pixel of the original image
      for (const v of img) expect(v === 0 || orig.includes(v)).toBe(true);
    }
    expect(shifted).toBeGreaterThan(32);
    const again = [...batches(ds, { batchSize: 64, augment: { cropPadding: 2 }, seed: 7 })][0];
    expect(Array.from(again.images)).toEqual(Array.from(cropped.images));
  });
});
