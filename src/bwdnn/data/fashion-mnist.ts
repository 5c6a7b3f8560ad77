// Fashion-MNIST resolver: an explicit path, else Debian's dataset-fashion-mnist copy, else
// the subset bundled in fixtures/data (2,000 train + 500 test images) so examples and tests
// run anywhere. Returns a normalized NCHW Dataset.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BwvmError } from '../../util/errors.js';
import { fromPixels, type Dataset, type Normalization } from './dataset.js';
import { readIdxFile } from './idx.js';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
export const FILES = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;
const INSTALL_HINT = 'install it with `apt-get install dataset-fashion-mnist` (files in /usr/share/datasets/fashion-mnist), or omit path to use the bundled subset';

/** fixtures/data/fashion-mnist-subset in the bwvm checkout or package, found from this file. */
export function bundledFashionMnistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const c = join(dir, 'fixtures', 'data', 'fashion-mnist-subset');
    if (existsSync(c)) return c;
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  throw new BwvmError('bwdnn.data-missing', 'the bundled Fashion-MNIST subset (fixtures/data/fashion-mnist-subset) is missing', { hint: INSTALL_HINT });
}

export interface FashionMnistOptions {
  split: 'train' | 'test';
  /** 'bundled': always the bundled subset; a number: the first n images of whichever copy is found */
  subset?: number | 'bundled';
  /** directory holding the four .gz IDX files */
  path?: string;
  normalize?: Normalization;
}

/** Reads images + labels from a directory in the Fashion-MNIST layout. */
export function readFashionMnistDir(dir: string, split: 'train' | 'test', normalize?: Normalization, source = dir, limit?: number): Dataset {
  const [imgFile, lblFile] = FILES[split];
  const images = readIdxFile(join(dir, imgFile), INSTALL_HINT);
  const labels = readIdxFile(join(dir, lblFile), INSTALL_HINT);
  if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
    throw new BwvmError('bwdnn.data-shape', `${dir}: images [${images.dims}] and labels [${labels.dims}] do not match`, { hint: 'the files are from different datasets or splits' });
  }
  const [, H, W] = images.dims;
  if (!(images.data instanceof Uint8Array) || !(labels.data instanceof Uint8Array)) {
    throw new BwvmError('bwdnn.data-type', `${dir}: Fashion-MNIST files must hold unsigned bytes`);
  }
  const n = Math.min(labels.data.length, limit ?? Infinity);
  return fromPixels(images.data.subarray(0, n * H * W), labels.data.subarray(0, n), [1, H, W], { normalize, classes: FASHION_MNIST_CLASSES, source });
}

/**
 * Per-channel statistics of the 60,000 Fashion-MNIST training images (pixels / 255). 'standard'
 * normalization uses these for every split and subset, so train, test, the bundled subset and
 * the pretrained zoo checkpoints (fixtures/zoo/*.json record the same numbers) agree.
 */
export const FASHION_MNIST_STATS = { mean: [0.2860406021898328], std: [0.35302424955323536] };

/** Loads a split; 'standard' normalization uses FASHION_MNIST_STATS, not the returned images' own. */
export function fashionMnist(opts: FashionMnistOptions): Dataset {
  const limit = typeof opts.subset === 'number' ? opts.subset : undefined;
  if (opts.normalize === 'standard') opts = { ...opts, normalize: FASHION_MNIST_STATS };
  let ds: Dataset;
  if (opts.path !== undefined) {
    ds = readFashionMnistDir(opts.path, opts.split, opts.normalize, opts.path, limit);
  } else if (opts.subset !== 'bundled' && existsSync(join(DEBIAN_FASHION_MNIST, FILES[opts.split][0]))) {
    ds = readFashionMnistDir(DEBIAN_FASHION_MNIST, opts.split, opts.normalize, DEBIAN_FASHION_MNIST, limit);
  } else {
    ds = readFashionMnistDir(bundledFashionMnistDir(), opts.split, opts.normalize, 'bundled subset', limit);
  }
  if (limit !== undefined && limit > ds.n) {
    throw new BwvmError('bwdnn.data-subset', `asked for ${limit} ${opts.split} images but the ${ds.source} has ${ds.n}`, { hint: INSTALL_HINT });
  }
  return ds;
}
