// Reference kernels: pointwise activations, Clip (attribute or input bounds) and Softmax
// (opset < 13: coerce to 2-D at axis; opset >= 13: along one axis).
import { softmaxAxis } from '../../../ir/ops/activation.js';
import { normAxis } from '../../../ir/shape.js';
import { allocOut, getN, type Kernel, type KernelCtx } from '../kernel.js';

function pointwise(f: (v: number, ctx: KernelCtx) => (x: number) => number): Kernel {
  return (x, ctx) => {
    const y = allocOut(ctx);
    const g = f(0, ctx);
    const a = x[0]!.data as Float32Array, o = y.data as Float32Array;
    for (let i = 0; i < o.length; i++) o[i] = g(a[i]!);
    return [y];
  };
}

const clip: Kernel = (x, ctx) => {
  const lo = x[1] ? getN(x[1], 0) : ctx.has('min') ? ctx.attr<number>('min') : -Infinity;
  const hi = x[2] ? getN(x[2], 0) : ctx.has('max') ? ctx.attr<number>('max') : Infinity;
  const y = allocOut(ctx);
  for (let i = 0; i < y.data.length; i++) (y.data as Float32Array)[i] = Math.min(Math.max(getN(x[0]!, i), lo), hi);
  return [y];
};

const softmax: Kernel = (x, ctx) => {
  const s = x[0]!.shape;
  const axis = normAxis(softmaxAxis(ctx.has('axis') ? ctx.attr<number>('axis') : undefined, ctx.opset), s.length, ctx.node.name);
  const y = allocOut(ctx);
  const a = x[0]!.data as Float32Array, o = y.data as Float32Array;
  // opset < 13: rows are everything from `axis` on; >= 13: the single axis
  const len = ctx.opset < 13 ? s.slice(axis).reduce((p, q) => p * q, 1) : s[axis]!;
  const inner = ctx.opset < 13 ? 1 : s.slice(axis + 1).reduce((p, q) => p * q, 1);
  const outer = a.length / (len * inner);
  for (let b = 0; b < outer; b++) {
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => b * len * inner + k * inner + j;
      let m = -Infinity;
      for (let k = 0; k < len; k++) m = Math.max(m, a[at(k)]!);
      let sum = 0;
      for (let k = 0; k < len; k++) { const e = Math.exp(a[at(k)]! - m); o[at(k)] = e; sum += e; }
      for (let k = 0; k < len; k++) o[at(k)] = o[at(k)]! / sum;
    }
  }
  return [y];
};

export const ACTIVATION_KERNELS: Record<string, Kernel> = {
  Relu: pointwise(() => (v) => (v > 0 ? v : 0)),
  LeakyRelu: pointwise((_, c) => { const al = c.attr<number>('alpha'); return (v) => (v >= 0 ? v : al * v); }),
  Sigmoid: pointwise(() => (v) => 1 / (1 + Math.exp(-v))),
  Tanh: pointwise(() => Math.tanh),
  HardSigmoid: pointwise((_, c) => { const al = c.attr<number>('alpha'), be = c.attr<number>('beta'); return (v) => Math.max(0, Math.min(1, al * v + be)); }),
  HardSwish: pointwise(() => (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5))),
  Elu: pointwise((_, c) => { const al = c.attr<number>('alpha'); return (v) => (v >= 0 ? v : al * (Math.exp(v) - 1)); }),
  Clip: clip,
  Softmax: softmax,
};
