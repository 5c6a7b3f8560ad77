// Reference kernels for constants and shape plumbing: Constant and Shape (evaluated by the op
// row's fold, which is exact at run time) and Cast.
import { allocOut, getN, setN, type Kernel } from '../kernel.js';
import { OPS } from '../../../ir/ops/index.js';

const fromRow: Kernel = (_x, ctx) => {
  const vals = OPS.get(ctx.node.op)!.fold!(ctx);
  if (!vals) return ctx.fail('IR_INPUT', 'cannot evaluate');
  return vals.map((v) => { const t = ctx.alloc(v.dtype, v.shape); (t.data as Float32Array).set(v.data as Float32Array); return t; });
};

const cast: Kernel = (x, ctx) => {
  const y = allocOut(ctx);
  for (let i = 0; i < y.data.length; i++) setN(y, i, getN(x[0]!, i));
  return [y];
};

export const MISC_KERNELS: Record<string, Kernel> = { Constant: fromRow, Shape: fromRow, Cast: cast };
