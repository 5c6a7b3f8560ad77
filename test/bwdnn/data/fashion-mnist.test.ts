// Fashion-MNIST: the bundled subset (always), normalization options, the missing-file error
// and its install hint, and Debian's full copy when installed.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionMnist, bundledFashionMnistDir, FASHION_MNIST_STATS } from '../../../src/bwdnn/data/fashion-mnist.js';
import { describeWith } from '../../support/prereqs.js';
import { isBwvmError } from '../../../src/util/errors.js';

describe('Fashion-MNIST bundled subset', () => {
  it('has 2,000 train and 500 test images, NCHW in [0, 1]', () => {
    const train = fashionMnist({ split: 'train', subset: 'bundled' });
    const test = fashionMnist({ split: 'test', subset: 'bundled' });
    expect(train.source).toBe('bundled subset');
    expect([train.n, test.n]).toEqual([2000, 500]);
    expect(train.shape).toEqual([1, 28, 28]);
    expect(train.images.length).toBe(2000 * 784);
    let max = 0, min = 1;
    for (const v of train.images) { max = Math.max(max, v); min = Math.min(min, v); }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array(10).fill(0);
    for (const l of train.labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(100); // all ten classes present
    expect(train.classes?.[9]).toBe('Ankle boot');
  });

  it("'standard' uses the training set's statistics for every split and subset; slices a subset", () => {
    expect(fashionMnist({ split: 'test', subset: 100 }).n).toBe(100);
    const unit = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'unit' });
    const ds = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' });
    const { mean: [m], std: [sd] } = FASHION_MNIST_STATS;
    for (const i of [0, 17, 400, ds.images.length - 1]) expect(ds.images[i]).toBeCloseTo((unit.images[i]! - m!) / sd!, 5);
    // the pretrained checkpoint was trained with the same numbers
    const rec = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/zoo/lenet5.json', import.meta.url)), 'utf8')) as { normalization: { mean: number[]; std: number[] } };
    expect(rec.normalization).toEqual(FASHION_MNIST_STATS);
    // close to (not exactly) zero mean / unit std on a subset
    let s = 0, sq = 0;
    for (const v of ds.images) { s += v; sq += v * v; }
    const mean = s / ds.images.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.sqrt(sq / ds.images.length - mean * mean)).toBeCloseTo(1, 1);
  });

  it('refuses a subset larger than the copy found', () => {
    try { fashionMnist({ split: 'test', subset: 600, path: bundledFashionMnistDir() }); } catch (e) {
      expect(isBwvmError(e, 'bwdnn.data-subset')).toBe(true);
      return;
    }
    throw new Error('expected an error');
  });

  it('a missing directory names the file and how to install the dataset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-fm-'));
    try { fashionMnist({ split: 'train', path: dir }); } catch (e) {
      expect(isBwvmError(e, 'bwdnn.data-missing')).toBe(true);
      expect((e as Error).message).toMatch(/train-images-idx3-ubyte\.gz/);
      expect((e as Error).message).toMatch(/apt-get install dataset-fashion-mnist/);
      return;
    }
    throw new Error('expected an error');
  });
});

describeWith(['fashion-mnist'], 'Fashion-MNIST from Debian', () => {
  it('reads the full test split, whose start matches the bundled subset', () => {
    const full = fashionMnist({ split: 'test' });
    expect(full.n).toBe(10000);
    expect(full.source).toBe('/usr/share/datasets/fashion-mnist');
    const bundled = fashionMnist({ split: 'test', subset: 'bundled' });
    expect(Array.from(full.labels.subarray(0, 500))).toEqual(Array.from(bundled.labels));
    const head = full.images.subarray(0, 500 * 784);
    expect(Buffer.from(head.buffer, head.byteOffset, head.byteLength).equals(Buffer.from(bundled.images.buffer))).toBe(true);
  });

  it('reads the training split', () => {
    const train = fashionMnist({ split: 'train', subset: 3000 });
    expect(train.n).toBe(3000);
    expect(train.labels.length).toBe(3000);
  });
});
