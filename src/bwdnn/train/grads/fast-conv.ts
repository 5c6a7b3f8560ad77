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
    const blocks: number[] = [];
    const up = (d: Float32Array) => { const p = rt.upload(d); blocks.push(p); return p; };
    const out = (n: number) => { const p = rt.arena.alloc(n * 4); blocks.push(p); return p; };
    try {
      const pdy = up(c.dy);
      let dx: Float32Array | undefined, dw: Float32Array | undefined;
      if (c.need[0]) {
        const pdx = out(X.data.length);
        convInputGradPtr(rt, g, pdy, up(Wt.data), pdx);
        dx = c.alloc(X.data.length);
        dx.set(rt.f32(pdx, dx.length));
      }
      if (c.need[1]) {
        const pdw = out(Wt.data.length);
        convWeightGradPtr(rt, g, up(X.data), pdy, pdw);
        dw = c.alloc(Wt.data.length);
        dw.set(rt.f32(pdw, dw.length));
      }
      const db = B && c.need[2] ? convBiasGrad(c.dy, g.N, g.Cout) : undefined;
      return [dx, dw, db];
    } finally {
      for (const p of blocks) rt.arena.free(p);
    }
  };
  return { trainable: ref.trainable, grad };
}
