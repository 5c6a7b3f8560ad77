// The gradient table: op type -> {trainable input slots, gradient kernel}. Adding an op's
// backward = one row here (in its family file) + a finite-difference test.
import type { GradRow } from '../grad.js';
import { CONV_GRADS } from './conv.js';
import { DENSE_GRADS } from './dense.js';
import { POINTWISE_GRADS } from './pointwise.js';
import { POOL_GRADS } from './pool.js';
import { LAYOUT_GRADS } from './layout.js';
import { NORM_GRADS } from './norm.js';
import { QUANT_GRADS } from './quant.js';

export const GRADS: ReadonlyMap<string, GradRow> = new Map(Object.entries({
  ...CONV_GRADS, ...DENSE_GRADS, ...POINTWISE_GRADS, ...POOL_GRADS, ...LAYOUT_GRADS, ...NORM_GRADS, ...QUANT_GRADS,
}));
