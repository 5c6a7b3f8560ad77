// Gradients of activations (Relu, Clip/Relu6, LeakyRelu, Sigmoid, Tanh, HardSwish, HardSigmoid),
// broadcasting element-wise arithmetic (Add, Sub, Mul, Div) and Softmax.
import { BwvmError } from '../../../util/errors.js';
import { broadcastIndex } from '../../reference/kernels/elementwise.js';
import { f32, type GradCtx, type GradRow } from '../grad.js';

/** `derivative(c)` is called once per node (attributes read there), its result per element. */
function unary(derivative: (c: GradCtx) => (x: number, y: number) => number): GradRow {
  return {
    trainable: [],
    grad: (c) => {
      if (!c.need[0]) return [];
      const deriv = derivative(c);
      const x = f32(c.x[0]!), y = f32(c.y[0]!), dx = c.alloc(x.length);
      for (let i = 0; i < x.length; i++) dx[i] = c.dy[i]! * deriv(x[i]!, y[i]!);
      return [dx];
    },
  };
}

function clipBounds(c: GradCtx): [number, number] {
  if (c.opset < 11) return [c.attr<number>('min'), c.attr<number>('max')];
  const lo = c.x[1] ? Number(c.x[1].data[0]) : -Infinity, hi = c.x[2] ? Number(c.x[2].data[0]) : Infinity;
  return [lo, hi];
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div'): GradRow {
  return {
    trainable: [0, 1],
    grad: (c) => {
      const A = c.x[0]!, B = c.x[1]!, out = c.y[0]!.shape;
      if (A.dtype !== 'float32' || B.dtype !== 'float32') throw new BwvmError('TRAIN_UNSUPPORTED', `node '${c.node.name}': ${op} gradient needs float32 operands`);
      if (op === 'Add' && same(A.shape, out) && same(B.shape, out)) { // residual adds: dy passes through
        // the first wanted input takes dy itself (backward hands the buffer on), the other a copy
        const copy = () => { const d = c.allocUninit(c.dy.length); d.set(c.dy); return d; };
        return c.need[0] ? [c.dy, c.need[1] ? copy() : undefined] : [undefined, c.need[1] ? c.dy : undefined];
      }
      const ia = broadcastIndex(A.shape, out), ib = broadcastIndex(B.shape, out);
      const a = f32(A), b = f32(B), dy = c.dy;
      const da = c.need[0] ? c.alloc(a.length) : undefined;
      const db = c.need[1] ? c.alloc(b.length) : undefined;
      for (let i = 0; i < dy.length; i++) {
        const g = dy[i]!, av = a[ia[i]!]!, bv = b[ib[i]!]!;
        switch (op) {
          case 'Add': if (da) da[ia[i]!] += g; if (db) db[ib[i]!] += g; break;
          case 'Sub': if (da) da[ia[i]!] += g; if (db) db[ib[i]!] -= g; break;
          case 'Mul': if (da) da[ia[i]!] += g * bv; if (db) db[ib[i]!] += g * av; break;
          case 'Div': if (da) da[ia[i]!] += g / bv; if (db) db[ib[i]!] -= (g * av) / (bv * bv); break;
        }
      }
      return [da, db];
    },
  };
}

/** Softmax gradient along the op's axis (opset >= 13) or over the coerced 2-D rows (older). */
const softmax: GradRow = {
  trainable: [],
  grad: (c) => {
    const shape = c.y[0]!.shape, r = shape.length;
    let axis = c.attr<number>('axis');
    if (axis < 0) axis += r;
    const y = f32(c.y[0]!), dy = c.dy, dx = c.alloc(y.length);
    const legacy = c.opset < 13;
    const inner = legacy ? 1 : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const len = legacy ? shape.slice(axis).reduce((a, b) => a * b, 1) : shape[axis]!;
    const outer = y.length / (len * inner);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < len; k++) { const j = (o * len + k) * inner + i; s += dy[j]! * y[j]!; }
      for (let k = 0; k < len; k++) { const j = (o * len + k) * inner + i; dx[j] = y[j]! * (dy[j]! - s); }
    }
    return [dx];
  },
};

/** Relu as its own loop: the generic unary call site is megamorphic and not inlined. */
const relu: GradRow = {
  trainable: [],
  grad: (c) => {
    if (!c.need[0]) return [];
    const x = f32(c.x[0]!), dy = c.dy, dx = c.alloc(x.length);
    for (let i = 0; i < x.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
    return [dx];
  },
};

export const POINTWISE_GRADS: Record<string, GradRow> = {
  Relu: relu,
  LeakyRelu: unary((c) => { const a = c.attr<number>('alpha'); return (x) => (x > 0 ? 1 : a); }),
  Sigmoid: unary(() => (_x, y) => y * (1 - y)),
  Tanh: unary(() => (_x, y) => 1 - y * y),
  HardSwish: unary(() => (x) => (x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6)),
  HardSigmoid: unary((c) => {
    const a = c.attr<number>('alpha'), b = c.attr<number>('beta');
    return (x) => { const v = a * x + b; return v > 0 && v < 1 ? a : 0; };
  }),
  Clip: unary((c) => { const [lo, hi] = clipBounds(c); return (x) => (x > lo && x < hi ? 1 : 0); }),
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'),
  Softmax: softmax,
};
