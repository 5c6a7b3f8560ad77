// Gradients of data movement: views (Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout in
// inference semantics) pass the gradient through; Concat splits it; Transpose inverts the
// permutation; constant Pad crops it.
import { strides } from '../../../ir/shape.js';
import { BwvmError } from '../../../util/errors.js';
import type { GradCtx, GradRow } from '../grad.js';

const view: GradRow = {
  trainable: [],
  grad: (c) => { if (!c.need[0]) return [undefined]; const dx = c.alloc(c.dy.length); dx.set(c.dy); return [dx]; },
};

const concat: GradRow = {
  trainable: [],
  grad: (c) => {
    const out = c.y[0]!.shape;
    let axis = c.attr<number>('axis');
    if (axis < 0) axis += out.length;
    const outer = out.slice(0, axis).reduce((a, b) => a * b, 1), inner = out.slice(axis + 1).reduce((a, b) => a * b, 1);
    const total = out[axis]!;
    let off = 0;
    return c.x.map((t, k) => {
      const len = t!.shape[axis]!;
      const start = off;
      off += len;
      if (!c.need[k]) return undefined;
      const dx = c.alloc(t!.data.length);
      for (let o = 0; o < outer; o++) dx.set(c.dy.subarray((o * total + start) * inner, (o * total + start + len) * inner), o * len * inner);
      return dx;
    });
  },
};

const transpose: GradRow = {
  trainable: [],
  grad: (c) => {
    if (!c.need[0]) return [];
    const inShape = c.x[0]!.shape, r = inShape.length;
    const perm = (c.node.attrs.perm as number[] | undefined) ?? [...Array(r).keys()].reverse();
    const outShape = perm.map((p) => inShape[p]!);
    const is = strides(inShape), os = strides(outShape);
    const dx = c.alloc(c.dy.length);
    for (let i = 0; i < c.dy.length; i++) {
      let rem = i, src = 0;
      for (let d = 0; d < r; d++) { const q = Math.floor(rem / os[d]!); rem -= q * os[d]!; src += q * is[perm[d]!]!; }
      dx[src] = c.dy[i]!;
    }
    return [dx];
  },
};

const pad: GradRow = {
  trainable: [],
  grad: (c: GradCtx) => {
    if (!c.need[0]) return [];
    const mode = (c.node.attrs.mode as string | undefined) ?? 'constant';
    if (mode !== 'constant') throw new BwvmError('TRAIN_UNSUPPORTED', `node '${c.node.name}': Pad mode '${mode}' has no gradient kernel`);
    const inShape = c.x[0]!.shape, outShape = c.y[0]!.shape, r = inShape.length;
    const pads = c.opset >= 11 ? Array.from(c.x[1]!.data, Number) : (c.node.attrs.pads as number[]);
    const is = strides(inShape), os = strides(outShape);
    const dx = c.alloc(c.x[0]!.data.length);
    for (let i = 0; i < dx.length; i++) {
      let rem = i, dst = 0;
      for (let d = 0; d < r; d++) { const q = Math.floor(rem / is[d]!); rem -= q * is[d]!; dst += (q + pads[d]!) * os[d]!; }
      dx[i] = c.dy[dst]!;
    }
    return [dx];
  },
};

export const LAYOUT_GRADS: Record<string, GradRow> = {
  Flatten: view, Reshape: view, Squeeze: view, Unsqueeze: view, Identity: view, Dropout: view,
  Concat: concat, Transpose: transpose, Pad: pad,
};
