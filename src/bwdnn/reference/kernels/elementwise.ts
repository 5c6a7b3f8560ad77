// Reference kernels: numpy-broadcast binary arithmetic and unary math, element by element.
import type { Tensor } from '../../../ir/types.js';
import { strides } from '../../../ir/shape.js';
import { allocOut, getN, setN, type Kernel } from '../kernel.js';

/** Flat index into `inShape` (right-aligned, broadcast) for each flat index of `outShape`. */
export function broadcastIndex(inShape: number[], outShape: number[]): Int32Array {
  const n = outShape.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(n);
  const os = strides(outShape), is = strides(inShape);
  const off = outShape.length - inShape.length;
  for (let i = 0; i < n; i++) {
    let rem = i, k = 0;
    for (let d = 0; d < outShape.length; d++) {
      const c = Math.floor(rem / os[d]!);
      rem -= c * os[d]!;
      const j = d - off;
      if (j >= 0 && inShape[j] !== 1) k += c * is[j]!;
    }
    idx[i] = k;
  }
  return idx;
}

const isInt = (t: Tensor) => t.dtype !== 'float32';

function nary(f: (a: number, b: number, int: boolean) => number): Kernel {
  return (x, ctx) => {
    const y = allocOut(ctx);
    const ins = x.filter((t): t is Tensor => !!t);
    const maps = ins.map((t) => broadcastIndex(t.shape, y.shape));
    const int = isInt(y);
    for (let i = 0; i < y.data.length; i++) {
      let acc = getN(ins[0]!, maps[0]![i]!);
      for (let k = 1; k < ins.length; k++) acc = f(acc, getN(ins[k]!, maps[k]![i]!), int);
      setN(y, i, acc);
    }
    return [y];
  };
}

function unary(f: (a: number) => number): Kernel {
  return (x, ctx) => {
    const y = allocOut(ctx);
    for (let i = 0; i < y.data.length; i++) setN(y, i, f(getN(x[0]!, i)));
    return [y];
  };
}

export const ELEMENTWISE_KERNELS: Record<string, Kernel> = {
  Add: nary((a, b) => a + b),
  Sub: nary((a, b) => a - b),
  Mul: nary((a, b) => a * b),
  Div: nary((a, b, int) => (int ? Math.trunc(a / b) : a / b)),
  Pow: nary((a, b) => Math.pow(a, b)),
  Max: nary((a, b) => Math.max(a, b)),
  Min: nary((a, b) => Math.min(a, b)),
  Sum: nary((a, b) => a + b),
  Neg: unary((a) => -a),
  Sqrt: unary(Math.sqrt),
  Exp: unary(Math.exp),
  Abs: unary(Math.abs),
  Reciprocal: unary((a) => 1 / a),
};
