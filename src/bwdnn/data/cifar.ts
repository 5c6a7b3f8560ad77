// CIFAR-10 binary version: records of 1 label byte + 3072 pixel bytes (3x32x32, CHW).
// The file size must be a whole number of records; batches data_batch_1..5.bin / test_batch.bin.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BwvmError } from '../../util/errors.js';
import { fromPixels, type Dataset, type Normalization } from './dataset.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const RECORD = 1 + 3 * 32 * 32;

export function parseCifar10(bytes: Uint8Array, source = 'CIFAR-10 data'): { pixels: Uint8Array; labels: Uint8Array } {
  if (bytes.byteLength === 0 || bytes.byteLength % RECORD !== 0) {
    throw new BwvmError('bwdnn.cifar-size', `${source}: ${bytes.byteLength} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records`, {
      hint: 'use the CIFAR-10 "binary version" files (data_batch_1.bin ... test_batch.bin)',
    });
  }
  const n = bytes.byteLength / RECORD;
  const pixels = new Uint8Array(n * (RECORD - 1));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * RECORD];
    if (label > 9) throw new BwvmError('bwdnn.cifar-label', `${source}: record ${i} has label ${label} (must be 0..9)`);
    labels[i] = label;
    pixels.set(bytes.subarray(i * RECORD + 1, (i + 1) * RECORD), i * (RECORD - 1));
  }
  return { pixels, labels };
}

export interface CifarOptions { dir: string; split: 'train' | 'test'; normalize?: Normalization; limit?: number }

/** Per-channel statistics of the 50,000 CIFAR-10 training images (pixels / 255), used by 'standard' for every split. */
export const CIFAR10_STATS = { mean: [0.4913996, 0.4821584, 0.4465309], std: [0.2470322, 0.2434851, 0.2615878] };

export function cifar10(opts: CifarOptions): Dataset {
  const files = opts.split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const f of files) {
    const path = join(opts.dir, f);
    if (!existsSync(path)) {
      throw new BwvmError('bwdnn.data-missing', `CIFAR-10 file not found: ${path}`, {
        hint: `put the CIFAR-10 binary version (cifar-10-batches-bin: ${files.join(', ')}) in ${opts.dir}`,
      });
    }
    const bytes = readFileSync(path);
    parseCifar10(bytes.subarray(0, RECORD), path); // validates the first record before keeping the file
    if (bytes.byteLength % RECORD !== 0) parseCifar10(bytes, path);
    parts.push(bytes);
    total += bytes.byteLength;
    if (opts.limit !== undefined && total / RECORD >= opts.limit) break;
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { all.set(p, off); off += p.byteLength; }
  let { pixels, labels } = parseCifar10(all, opts.dir);
  if (opts.limit !== undefined && labels.length > opts.limit) {
    labels = labels.slice(0, opts.limit);
    pixels = pixels.slice(0, opts.limit * (RECORD - 1));
  }
  return fromPixels(pixels, labels, [3, 32, 32], { normalize: opts.normalize === 'standard' ? CIFAR10_STATS : opts.normalize, classes: CIFAR10_CLASSES, source: opts.dir });
}
