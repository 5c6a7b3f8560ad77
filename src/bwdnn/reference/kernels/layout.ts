// Reference kernels that move data: views (Reshape, Flatten, Squeeze, Unsqueeze, Identity,
// Dropout copy their input), Transpose, Concat, Slice, Gather, Pad.
import type { Tensor } from '../../../ir/types.js';
import { normAxis, strides } from '../../../ir/shape.js';
import { sliceParams } from '../../../ir/ops/layout.js';
import { padsOf } from '../../../ir/ops/misc.js';
import { allocOut, getN, setN, type Kernel } from '../kernel.js';

const copyView: Kernel = (x, ctx) => {
  const y = allocOut(ctx);
  (y.data as Float32Array).set(x[0]!.data as Float32Array);
  return ctx.node.outputs.length > 1 ? [y, ctx.alloc('bool', y.shape)] : [y];
};

/** Visit every output coordinate, calling f(flatOut, coords). */
export function forEachIndex(shape: number[], f: (i: number, c: number[]) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const c = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    f(i, c);
    for (let d = shape.length - 1; d >= 0; d--) { if (++c[d]! < shape[d]!) break; c[d] = 0; }
  }
}

function copyElem(src: Tensor, si: number, dst: Tensor, di: number): void {
  (dst.data as Float32Array)[di] = (src.data as Float32Array)[si]!;
}

const transpose: Kernel = (x, ctx) => {
  const X = x[0]!;
  const perm = ctx.has('perm') ? ctx.attr<number[]>('perm') : X.shape.map((_, i) => X.shape.length - 1 - i);
  const y = allocOut(ctx);
  const xs = strides(X.shape);
  forEachIndex(y.shape, (i, c) => { let k = 0; for (let d = 0; d < c.length; d++) k += c[d]! * xs[perm[d]!]!; copyElem(X, k, y, i); });
  return [y];
};

const concat: Kernel = (x, ctx) => {
  const y = allocOut(ctx);
  const axis = normAxis(ctx.attr<number>('axis'), y.shape.length, ctx.node.name);
  const outer = y.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  let off = 0;
  for (let o = 0; o < outer; o++) for (const t of x) {
    if (!t) continue;
    const chunk = t.shape.slice(axis).reduce((a, b) => a * b, 1);
    for (let j = 0; j < chunk; j++) copyElem(t, o * chunk + j, y, off++);
  }
  return [y];
};

const slice: Kernel = (x, ctx) => {
  const X = x[0]!;
  const p = sliceParams(X.shape, ctx);
  const y = allocOut(ctx);
  const xs = strides(X.shape);
  forEachIndex(y.shape, (i, c) => {
    let k = 0;
    for (let d = 0; d < c.length; d++) {
      const j = p.axes.indexOf(d);
      k += (j < 0 ? c[d]! : p.starts[j]! + c[d]! * p.steps[j]!) * xs[d]!;
    }
    copyElem(X, k, y, i);
  });
  return [y];
};

const gather: Kernel = (x, ctx) => {
  const X = x[0]!, I = x[1]!;
  const axis = normAxis(ctx.attr<number>('axis'), X.shape.length, ctx.node.name);
  const y = allocOut(ctx);
  const xs = strides(X.shape);
  const ir = I.shape.length;
  const is = strides(I.shape);
  forEachIndex(y.shape, (i, c) => {
    let ii = 0;
    for (let d = 0; d < ir; d++) ii += c[axis + d]! * is[d]!;
    let idx = getN(I, ii);
    if (idx < 0) idx += X.shape[axis]!;
    if (idx < 0 || idx >= X.shape[axis]!) ctx.fail('IR_INPUT', `Gather index ${getN(I, ii)} out of range`);
    let k = 0;
    for (let d = 0; d < X.shape.length; d++) k += (d < axis ? c[d]! : d === axis ? idx : c[d - 1 + ir]!) * xs[d]!;
    copyElem(X, k, y, i);
  });
  return [y];
};

const pad: Kernel = (x, ctx) => {
  const X = x[0]!;
  const pads = padsOf(ctx);
  const mode = ctx.attr<string>('mode');
  const value = ctx.opset >= 11 ? (x[2] ? getN(x[2], 0) : 0) : ctx.attr<number>('value');
  const r = X.shape.length;
  const y = allocOut(ctx);
  const xs = strides(X.shape);
  forEachIndex(y.shape, (i, c) => {
    let k = 0, outside = false;
    for (let d = 0; d < r; d++) {
      const n = X.shape[d]!;
      let j = c[d]! - pads[d]!;
      if (j < 0 || j >= n) {
        if (mode === 'constant') { outside = true; break; }
        if (mode === 'edge') j = Math.min(Math.max(j, 0), n - 1);
        else { while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j; }
      }
      k += j * xs[d]!;
    }
    if (outside) setN(y, i, value); else copyElem(X, k, y, i);
  });
  return [y];
};

export const LAYOUT_KERNELS: Record<string, Kernel> = {
  Reshape: copyView, Flatten: copyView, Squeeze: copyView, Unsqueeze: copyView, Identity: copyView, Dropout: copyView,
  Transpose: transpose, Concat: concat, Slice: slice, Gather: gather, Pad: pad,
};
