// The Keras layer table: class_name -> converter. Adding a layer = one converter + one row here.
// Anything not listed (custom layers, Lambda, recurrent layers...) is refused by the lowering.
import { ACTIVATION_LAYERS } from './activation.js';
import type { LayerConverter } from './context.js';
import { CONV_LAYERS } from './conv.js';
import { CORE_LAYERS } from './core.js';
import { MERGE_LAYERS } from './merge.js';
import { NORM_LAYERS } from './norm.js';
import { POOL_LAYERS } from './pool.js';

export const KERAS_LAYERS: Readonly<Record<string, LayerConverter>> = {
  ...CONV_LAYERS, ...CORE_LAYERS, ...POOL_LAYERS, ...MERGE_LAYERS, ...NORM_LAYERS, ...ACTIVATION_LAYERS,
};

/** Layer classes that hold code (never executed by bwvm). */
export const CODE_LAYERS = new Set(['Lambda', 'TFOpLambda', 'SlicingOpLambda']);
