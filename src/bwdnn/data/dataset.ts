// The in-memory image classification dataset bwDNN trains on: NCHW float images with a
// chosen normalization, integer labels, and helpers to build one from raw uint8 pixels.
import { BwvmError } from '../../util/errors.js';

export interface Dataset {
  /** n x C x H x W, normalized */
  images: Float32Array;
  labels: Int32Array;
  n: number;
  /** [C, H, W] of one image */
  shape: [number, number, number];
  classes?: string[];
  /** where the data came from (path, 'bundled subset', ...) */
  source?: string;
}

/**
 * 'unit': x/255; 'none': raw 0..255; 'standard': (x/255 - mean) / std per channel, with the
 * given mean/std or those of the data itself.
 */
export type Normalization = 'unit' | 'none' | { mean: number[]; std: number[] } | 'standard';

/** Builds a dataset from uint8 pixels laid out n x C x H x W (or n x H x W x C if hwc). */
export function fromPixels(pixels: Uint8Array, labels: ArrayLike<number>, shape: [number, number, number],
  opts: { normalize?: Normalization; hwc?: boolean; classes?: string[]; source?: string } = {}): Dataset {
  const [C, H, W] = shape;
  const per = C * H * W;
  const n = labels.length;
  if (pixels.length !== n * per) {
    throw new BwvmError('bwdnn.data-shape', `${n} labels need ${n * per} pixels of shape [${shape.join(', ')}], got ${pixels.length}`);
  }
  const images = new Float32Array(n * per);
  if (opts.hwc) {
    for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) {
      images[i * per + c * H * W + p] = pixels[i * per + p * C + c];
    }
  } else {
    images.set(pixels);
  }
  normalizeInPlace(images, C, H * W, opts.normalize ?? 'unit');
  return { images, labels: Int32Array.from(labels), n, shape, classes: opts.classes, source: opts.source };
}

export function normalizeInPlace(images: Float32Array, C: number, HW: number, norm: Normalization): void {
  if (norm === 'none') return;
  for (let i = 0; i < images.length; i++) images[i] /= 255;
  if (norm === 'unit') return;
  const { mean, std } = norm === 'standard' ? channelStats(images, C, HW) : norm;
  if (mean.length !== C || std.length !== C) {
    throw new BwvmError('bwdnn.data-normalize', `normalization needs ${C} means and stds, got ${mean.length} and ${std.length}`);
  }
  for (let i = 0; i < images.length; i++) {
    const c = Math.floor(i / HW) % C;
    images[i] = (images[i] - mean[c]) / std[c];
  }
}

/** Per-channel mean and standard deviation of NCHW data. */
export function channelStats(images: Float32Array, C: number, HW: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(C), sq = new Float64Array(C);
  for (let i = 0; i < images.length; i++) {
    const c = Math.floor(i / HW) % C;
    sum[c] += images[i]; sq[c] += images[i] * images[i];
  }
  const count = images.length / C;
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(s / count - mean[c] ** 2, 1e-12)));
  return { mean, std };
}

/** Images [start, start+count) as a new dataset (copies). */
export function slice(ds: Dataset, start: number, count: number): Dataset {
  const end = Math.min(ds.n, start + count);
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  return { ...ds, images: ds.images.slice(start * per, end * per), labels: ds.labels.slice(start, end), n: Math.max(0, end - start) };
}
