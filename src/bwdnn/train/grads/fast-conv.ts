// Fast gradient of 2-D Conv on the WebAssembly kernels (input gradient as a transposed
// forward conv, weight gradient as a gather-GEMM, both threads); shapes the kernels do not
// cover (1-D, non-float32, pads wider than the dilated kernel) run the reference row.
import type { DnnRuntime } from '../../kernels/runtime.js';
import { convGeometryOf } from '../../kernels/ops.js';
import { convBiasGrad, convInputGradPtr, convInputGradSupported, convWeightGradPtr } from '../../kernels/convgrad.js';
import type { GradKernel, GradRow } from '../grad.js';

const isF32 = (d: unknown): d is Float32Array => d instanceof Float32Array;

export function fastConvGrad(rt: DnnRuntime, ref: GradRow): GradRow {
  const grad: GradKernel = (c) => {
    const X = c.x[0]!, Wt = c.x[1]!, B = c.x[2];
    if (X.shape.length !== 4 || !isF32(X.data) || !isF32(Wt.data)) return ref.grad(c);
    const g = convGeometryOf(X.shape, Wt.shape, c.node, c.attr<number>('group'));
    if (c.need[0] && !convInputGradSupported(g)) return ref.grad(c);
    const dx = c.need[0] ? c.allocUninit(X.data.length) : undefined, dw = c.need[1] ? c.allocUninit(Wt.data.length) : undefined;
    rt.scope((s) => {
      const pdy = s.input(c.dy);
      if (dx) convInputGradPtr(rt, g, pdy, s.input(Wt.data as Float32Array), s.output(dx));
      if (dw) convWeightGradPtr(rt, g, s.input(X.data as Float32Array), pdy, s.output(dw));
    });
    const db = B && c.need[2] ? convBiasGrad(c.dy, g.N, g.Cout) : undefined;
    return [dx, dw, db];
  };
  return { trainable: ref.trainable, grad };
}
