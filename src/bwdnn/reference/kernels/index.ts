// The reference kernel table: one simple kernel per op, keyed by ONNX op type.
import type { Kernel } from '../kernel.js';
import { ELEMENTWISE_KERNELS } from './elementwise.js';
import { ACTIVATION_KERNELS } from './activation.js';
import { CONV_KERNELS } from './conv.js';
import { POOL_KERNELS } from './pool.js';
import { MATMUL_KERNELS } from './matmul.js';
import { LAYOUT_KERNELS } from './layout.js';
import { MISC_KERNELS } from './misc.js';
import { QUANT_KERNELS } from './quant.js';
import { RESIZE_KERNELS } from './resize.js';
import { REDUCE_KERNELS } from './reduce.js';

export const KERNELS: ReadonlyMap<string, Kernel> = new Map(Object.entries({
  ...ELEMENTWISE_KERNELS, ...ACTIVATION_KERNELS, ...CONV_KERNELS, ...POOL_KERNELS, ...MATMUL_KERNELS, ...LAYOUT_KERNELS, ...MISC_KERNELS, ...QUANT_KERNELS, ...RESIZE_KERNELS, ...REDUCE_KERNELS,
}));
