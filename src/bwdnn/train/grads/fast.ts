// The fast gradient table: the reference table (GRADS) with the heavy ops (Conv, Gemm,
// MatMul) and the per-element ones of every CNN (BatchNormalization, Relu, 2x2 MaxPool) replaced by rows on the
// WebAssembly kernels of one runtime.
import type { DnnRuntime } from '../../kernels/runtime.js';
import type { GradRow } from '../grad.js';
import { GRADS } from './index.js';
import { fastConvGrad } from './fast-conv.js';
import { fastGemmRow, fastMatmulRow } from './fast-dense.js';
import { fastBnGrad, fastReluGrad } from './fast-norm.js';
import { fastMaxPoolGrad } from './fast-pool.js';

/** op -> (runtime, reference row) -> fast row. */
export const FAST_GRADS: Record<string, (rt: DnnRuntime, ref: GradRow) => GradRow> = {
  Conv: fastConvGrad, Gemm: fastGemmRow, MatMul: fastMatmulRow, BatchNormalization: fastBnGrad, Relu: fastReluGrad,
  MaxPool: fastMaxPoolGrad,
};

export function fastGrads(rt: DnnRuntime): ReadonlyMap<string, GradRow> {
  const table = new Map(GRADS);
  for (const [op, make] of Object.entries(FAST_GRADS)) table.set(op, make(rt, GRADS.get(op)!));
  return table;
}
