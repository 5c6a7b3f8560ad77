// Shared fixture of the quantization tests: lenet5 trained 2 epochs on the bundled Fashion-MNIST
// subset (test/fixtures/quant/lenet5_fmnist.onnx, made by make-lenet5.mjs), a calibration split
// of the training set and the bundled test split.
import { fileURLToPath } from 'node:url';
import type { Graph, Tensor } from '../../../src/ir/types.js';
import { fashionMnist, slice, type Dataset } from '../../../src/bwdnn/data/index.js';
import { importOnnxFile } from '../../../src/frontend/onnx/index.js';

export const trainSet = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
export const testSet = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' });
export const LENET_ONNX = fileURLToPath(new URL('../../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));

export const asTensor = (d: Dataset): Tensor => ({ dtype: 'float32', shape: [d.n, ...d.shape], data: d.images });

/** A fresh copy of the trained lenet5 (73.6 % on the 500 bundled test images). */
export const trainedLenet = (): Graph => importOnnxFile(LENET_ONNX);

/** Calibration split: the last 256 training images (never used for evaluation). */
export const calibSplit = (n = 256): Tensor => asTensor(slice(trainSet, trainSet.n - n, n));
