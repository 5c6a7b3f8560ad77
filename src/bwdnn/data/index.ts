// Public surface of bwDNN's dataset loaders.
export { parseIdx, readIdxFile, encodeIdxU8, MAX_IDX_BYTES, type IdxArray, type IdxData } from './idx.js';
export { parseCifar10, cifar10, CIFAR10_CLASSES, CIFAR10_STATS, type CifarOptions } from './cifar.js';
export { fromPixels, normalizeInPlace, channelStats, slice, type Dataset, type Normalization } from './dataset.js';
export { batches, permutation, rng, type Augment, type Batch, type BatchOptions } from './batches.js';
export { fashionMnist, readFashionMnistDir, bundledFashionMnistDir, FASHION_MNIST_CLASSES, FASHION_MNIST_STATS, DEBIAN_FASHION_MNIST, type FashionMnistOptions } from './fashion-mnist.js';
