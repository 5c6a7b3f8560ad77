// Numerical comparison of tensors and whole output maps against the reference: max absolute
// error, max error relative to the reference's largest magnitude, and the worst element.
import type { Tensor } from '../../ir/types.js';

export interface TensorDiff {
  /** Same shape (and so comparable element by element). */
  sameShape: boolean;
  maxAbs: number;
  /** maxAbs / max |reference| (1e-12 floor): scale-free, robust near zero. */
  maxRel: number;
  /** Flat index of the largest absolute difference (-1 when shapes differ or empty). */
  worst: number;
}

export function compareTensors(got: Tensor, ref: Tensor): TensorDiff {
  const sameShape = got.shape.length === ref.shape.length && got.shape.every((d, i) => d === ref.shape[i]);
  if (!sameShape || got.data.length !== ref.data.length) return { sameShape: false, maxAbs: Infinity, maxRel: Infinity, worst: -1 };
  let scale = 0, maxAbs = 0, worst = -1;
  for (let i = 0; i < ref.data.length; i++) {
    const r = Number(ref.data[i]), d = Math.abs(Number(got.data[i]) - r);
    scale = Math.max(scale, Math.abs(r));
    if (d > maxAbs || Number.isNaN(d)) { maxAbs = Number.isNaN(d) ? Infinity : d; worst = i; }
  }
  return { sameShape, maxAbs, maxRel: maxAbs / Math.max(scale, 1e-12), worst };
}

/** Compare every tensor of `ref` with the same-named one in `got`; missing ones count as Infinity. */
export function compareOutputs(got: Record<string, Tensor>, ref: Record<string, Tensor>): Record<string, TensorDiff> {
  const out: Record<string, TensorDiff> = {};
  for (const [k, r] of Object.entries(ref)) {
    const g = got[k];
    out[k] = g ? compareTensors(g, r) : { sameShape: false, maxAbs: Infinity, maxRel: Infinity, worst: -1 };
  }
  return out;
}
