// Reference kernels: ReduceMean/Sum/Max/Min over any axes, and Split.
import { normAxis, strides } from '../../../ir/shape.js';
import { reduceAxes, splitSizes } from '../../../ir/ops/reduce.js';
import { allocOut, type Kernel } from '../kernel.js';
import { forEachIndex } from './layout.js';

function reduce(kind: 'mean' | 'sum' | 'max' | 'min'): Kernel {
  return (x, ctx) => {
    const X = x[0]!;
    const axes = reduceAxes(ctx, X.shape.length);
    const y = allocOut(ctx);
    const yd = y.data as Float32Array, xd = X.data as Float32Array;
    const init = kind === 'max' ? -Infinity : kind === 'min' ? Infinity : 0;
    yd.fill(init);
    // output strides laid over the input's axes (reduced axes contribute nothing)
    const reducedShape = X.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const rs = strides(reducedShape);
    let count = 1;
    for (const a of axes) count *= X.shape[a]!;
    forEachIndex(X.shape, (i, c) => {
      let k = 0;
      for (let d = 0; d < c.length; d++) if (!axes.includes(d)) k += c[d]! * rs[d]!;
      const v = xd[i]!;
      yd[k] = kind === 'max' ? Math.max(yd[k]!, v) : kind === 'min' ? Math.min(yd[k]!, v) : yd[k]! + v;
    });
    if (kind === 'mean') for (let i = 0; i < yd.length; i++) yd[i] = yd[i]! / count;
    return [y];
  };
}

const split: Kernel = (x, ctx) => {
  const X = x[0]!;
  const axis = normAxis(ctx.attr<number>('axis'), X.shape.length, ctx.node.name);
  const sizes = splitSizes(ctx, X.shape[axis]!);
  const outer = X.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = X.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const xd = X.data as Float32Array;
  let start = 0;
  return sizes.map((s, k) => {
    const y = allocOut(ctx, k);
    const yd = y.data as Float32Array;
    for (let o = 0; o < outer; o++) yd.set(xd.subarray((o * X.shape[axis]! + start) * inner, (o * X.shape[axis]! + start + s) * inner), o * s * inner);
    start += s;
    return y;
  });
};

export const REDUCE_KERNELS: Record<string, Kernel> = {
  ReduceMean: reduce('mean'), ReduceSum: reduce('sum'), ReduceMax: reduce('max'), ReduceMin: reduce('min'), Split: split,
};
