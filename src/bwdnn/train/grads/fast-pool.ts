// Fast MaxPool gradient for the common 2x2 stride-2 unpadded window (VGG's) on the WebAssembly
// kernels, split across the runtime's threads by plane; every other pool runs the reference row.
import { windowGeometry } from '../../../ir/ops/geometry.js';
import type { DnnRuntime } from '../../kernels/runtime.js';
import { maxPool2x2GradPtr } from '../../kernels/train.js';
import type { GradRow } from '../grad.js';

export function fastMaxPoolGrad(rt: DnnRuntime, ref: GradRow): GradRow {
  return {
    trainable: ref.trainable,
    grad: (c) => {
      const X = c.x[0]!;
      if (!c.need[0] || !(X.data instanceof Float32Array) || X.shape.length !== 4 || c.attr<number>('ceil_mode') === 1) return ref.grad(c);
      const k = c.attr<number[]>('kernel_shape');
      const g = windowGeometry(X.shape.slice(2), k, c.node.attrs, c.node.name, false);
      const [N, C, H, W] = X.shape as [number, number, number, number];
      const [OH, OW] = g.out as [number, number];
      const plain = k[0] === 2 && k[1] === 2 && g.strides.every((s) => s === 2) && g.dilations.every((d) => d === 1) && g.pads.every((p) => p === 0);
      if (!plain || 2 * OH > H || 2 * OW > W) return ref.grad(c);
      const dx = c.allocUninit(X.data.length);
      rt.scope((s) => maxPool2x2GradPtr(rt, s.input(X.data as Float32Array), s.input(c.dy), s.output(dx), N * C, H, W, OH, OW));
      return [dx];
    },
  };
}
