// The compression magic family: %sensitivity, %compress, %finetune, %compare.
import type { MagicFamily } from '../types.js';
import { sensitivityMagic } from './sensitivity.js';
import { compressMagic } from './compress.js';
import { finetuneMagic } from './finetune.js';
import { compareMagic } from './compare.js';

export const compressFamily: MagicFamily = { name: 'compress', magics: [sensitivityMagic, compressMagic, finetuneMagic, compareMagic] };
