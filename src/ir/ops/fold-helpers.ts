// Small exact helpers used by constant folding in op rows (concat, gather on tiny tensors).
import type { Tensor } from '../types.js';
import { allocData } from '../dtype.js';

export function concatTensors(ts: Tensor[], axis: number): Tensor {
  const shape = [...ts[0]!.shape];
  shape[axis] = ts.reduce((a, t) => a + t.shape[axis]!, 0);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const data = allocData(ts[0]!.dtype, shape.reduce((a, b) => a * b, 1));
  let off = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of ts) {
      const chunk = t.shape.slice(axis).reduce((a, b) => a * b, 1);
      (data as Float32Array).set((t.data as Float32Array).subarray(o * chunk, (o + 1) * chunk), off);
      off += chunk;
    }
  }
  return { dtype: ts[0]!.dtype, shape, data };
}

/** numpy.take(data, indices, axis) for concrete tensors. */
export function gatherTensor(t: Tensor, idx: number[], idxShape: number[], axis: number): Tensor {
  const n = t.shape[axis]!;
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const shape = [...t.shape.slice(0, axis), ...idxShape, ...t.shape.slice(axis + 1)];
  const data = allocData(t.dtype, outer * idx.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const i0 of idx) {
      const i = i0 < 0 ? i0 + n : i0;
      if (i < 0 || i >= n) throw new RangeError(`gather index ${i0} out of range [0, ${n})`);
      const base = (o * n + i) * inner;
      for (let j = 0; j < inner; j++) (data as Float32Array)[k++] = (t.data as Float32Array)[base + j]!;
    }
  }
  return { dtype: t.dtype, shape, data };
}
