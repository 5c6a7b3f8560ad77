// The fixed-point executor's fast engine: integer Conv on the WebAssembly kernel (assembly/qconv.ts:
// int16 operands, int32 accumulators, int64 requantization) whenever that arithmetic is provably
// exact for the node, else the reference kernel. Its results are the reference's, bit for bit.
import { windowGeometry } from '../../ir/ops/geometry.js';
import { quantRange } from '../../ir/quant.js';
import type { DnnRuntime } from '../kernels/runtime.js';
import { splitRange } from '../kernels/runtime.js';
import { outClamp, qconv, type QKernel, type QKernelCtx } from './kernels-mac.js';

const I16 = 32767, I32 = 2 ** 31 - 1;

const maxAbs = (d: ArrayLike<number | bigint>): number => {
  let m = 0;
  for (let i = 0; i < d.length; i++) m = Math.max(m, Math.abs(Number(d[i]!)));
  return m;
};

/**
 * Why the kernel cannot run a node exactly, or undefined when it can: the operands must fit int16
 * and |bias| + K * max|x - zp_x| * max|w| must fit int32 (so every partial sum does, in any order).
 */
export function fastConvRefusal(ctx: QKernelCtx, xRank: number): string | undefined {
  const node = ctx.node, Wt = node.weight, req = node.requant;
  if (!Wt || !req || xRank !== 4 || Wt.shape.length !== 4) return 'not a 2-D convolution with integer weights';
  const [lo, hi] = quantRange(ctx.inputs[0]!.dtype), zx = ctx.inputs[0]!.quant.zeroPoint[0]!;
  const mx = Math.max(hi - zx, zx - lo), mw = maxAbs(Wt.data as ArrayLike<number>);
  if (mx > I16 || mw > I16) return `operands exceed int16 (|x - zp| <= ${mx}, |w| <= ${mw})`;
  const K = Wt.shape[1]! * Wt.shape[2]! * Wt.shape[3]!, mb = node.bias ? maxAbs(node.bias.data as ArrayLike<number>) : 0;
  if (mb + K * mx * mw > I32) return `the accumulator bound ${mb + K * mx * mw} exceeds int32`;
  if (req.some((m) => m.shift < 0 || m.m0 > I32)) return 'a multiplier is outside the kernel\'s range';
  return undefined;
}

/** The Conv kernel of the fast engine on runtime rt. */
export function fastQconv(rt: DnnRuntime): QKernel {
  const refusals = new WeakMap<object, string | null>();
  return (x, ctx) => {
    const node = ctx.node, X = x[0]!;
    let why = refusals.get(node);
    if (why === undefined) refusals.set(node, (why = fastConvRefusal(ctx, X.shape.length) ?? null));
    if (why !== null) return qconv(x, ctx);
    const Wt = node.weight!, [N, C, H, W] = X.shape as [number, number, number, number];
    const M = Wt.shape[0]!, kH = Wt.shape[2]!, kW = Wt.shape[3]!, group = (node.attrs.group as number | undefined) ?? 1;
    const g = windowGeometry([H, W], [kH, kW], node.attrs, node.name);
    const [oH, oW] = g.out as [number, number], [lo, hi] = outClamp(ctx);
    const params = [N, C, H, W, M, kH, kW, g.strides[0]!, g.strides[1]!, g.pads[0]!, g.pads[1]!, g.dilations[0]!, g.dilations[1]!, group, oH, oW,
      ctx.inputs[0]!.quant.zeroPoint[0]!, ctx.output.quant.zeroPoint[0]!, lo, hi];
    const y = new Int32Array(N * M * oH * oW), blocks: number[] = [];
    const put = (d: ArrayLike<number | bigint>): number => {
      const p = rt.arena.alloc(Math.max(4, d.length * 4));
      const v = rt.i32(p, d.length);
      for (let i = 0; i < d.length; i++) v[i] = Number(d[i]!);
      blocks.push(p);
      return p;
    };
    try {
      const p = put(params), px = put(X.data), pw = put(Wt.data as ArrayLike<number>);
      const pb = node.bias ? put(node.bias.data as ArrayLike<number>) : 0;
      const pm = put(node.requant!.map((m) => m.m0)), ps = put(node.requant!.map((m) => m.shift));
      const py = rt.arena.alloc(y.length * 4);
      blocks.push(py);
      rt.withWorkspaces(rt.exports.qconvWorkspaceBytes(p), (ws) => {
        rt.parallel('qconv', splitRange(N, rt.threads).map(([s, e], t) => (e <= s ? null : [p, px, pw, pb, pm, ps, py, ws[t]!, s, e])));
      });
      y.set(rt.i32(py, y.length));
    } finally {
      for (const b of blocks) rt.arena.free(b);
    }
    return { shape: [N, M, oH, oW], data: y };
  };
}
