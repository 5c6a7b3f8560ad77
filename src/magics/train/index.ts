// The training magic family: %dataset, %train, %evaluate.
import type { MagicFamily } from '../types.js';
import { datasetMagic } from './dataset.js';
import { trainMagic } from './train.js';
import { evaluateMagic } from './evaluate.js';

export const trainFamily: MagicFamily = { name: 'train', magics: [datasetMagic, trainMagic, evaluateMagic] };
