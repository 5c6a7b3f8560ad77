// CIFAR-10 binary records on synthetic files: labels, CHW pixels, normalization, limits,
// and refusal of sizes that are not whole records, bad labels and missing files.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCifar10, cifar10, CIFAR10_STATS } from '../../../src/bwdnn/data/cifar.js';
import { isBwvmError } from '../../../src/util/errors.js';

const RECORD = 3073;
function records(labels: number[]): Uint8Array {
  const b = new Uint8Array(labels.length * RECORD);
  labels.forEach((l, i) => {
    b[i * RECORD] = l;
    for (let p = 0; p < 3072; p++) b[i * RECORD + 1 + p] = (p + i) % 256;
  });
  return b;
}

describe('CIFAR-10', () => {
  it('parses records', () => {
    const { pixels, labels } = parseCifar10(records([3, 9, 0]));
    expect(Array.from(labels)).toEqual([3, 9, 0]);
    expect(pixels.length).toBe(3 * 3072);
    expect(pixels[3072 + 5]).toBe(6);
  });

  it('loads a split from a directory with normalization and a limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-cifar-'));
    writeFileSync(join(dir, 'test_batch.bin'), records([1, 2, 3, 4]));
    const ds = cifar10({ dir, split: 'test', limit: 3 });
    expect(ds.n).toBe(3);
    expect(ds.shape).toEqual([3, 32, 32]);
    expect(Array.from(ds.labels)).toEqual([1, 2, 3]);
    expect(ds.images[1 * 3072 + 10]).toBeCloseTo(11 / 255, 6); // CHW kept, scaled to [0,1]
    const std = cifar10({ dir, split: 'test', normalize: 'standard' });
    // 'standard' uses the CIFAR-10 training set's statistics, whatever split or subset is loaded
    for (const c of [0, 1, 2]) {
      const i = c * 1024 + 10;
      expect(std.images[i]).toBeCloseTo((ds.images[i]! - CIFAR10_STATS.mean[c]!) / CIFAR10_STATS.std[c]!, 5);
    }
  });

  it('refuses partial records, bad labels and missing files with specific errors', () => {
    const codeOf = (fn: () => unknown) => { try { fn(); } catch (e) { return isBwvmError(e) ? e.code : String(e); } return undefined; };
    expect(codeOf(() => parseCifar10(records([1]).subarray(0, 3000)))).toBe('bwdnn.cifar-size');
    expect(codeOf(() => parseCifar10(records([12])))).toBe('bwdnn.cifar-label');
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-cifar-'));
    expect(codeOf(() => cifar10({ dir, split: 'train' }))).toBe('bwdnn.data-missing');
    writeFileSync(join(dir, 'test_batch.bin'), records([1, 2]).subarray(0, RECORD + 10));
    expect(codeOf(() => cifar10({ dir, split: 'test' }))).toBe('bwdnn.cifar-size');
  });
});
