// The fixed-point executor's fast engine: integer Conv on a WebAssembly kernel (assembly/qconv.ts:
// int16 operands, int32 accumulators, for 8-bit activations; assembly/qconv16.ts: int64
// accumulators, for 16-bit ones) whenever its arithmetic is provably exact for the node, else the
// reference kernel. Its results are the reference's, bit for bit.
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

/** Which WebAssembly kernel runs a node: 'narrow' (int32 accumulators, x - zp_x in int16: 8-bit
 * activations) or 'wide' (int64 accumulators, raw x in int16: 16-bit activations). */
export type FastConvKind = 'narrow' | 'wide';

/**
 * The kernel that runs a node exactly, or why none does. Both need int16 weights (|w| <= 32767, so
 * a pair of products fits int32). narrow: |x - zp_x| <= 32767 and |bias| + K max|x - zp_x| max|w|
 * within int32 (so every partial sum is, in any order). wide: the same bound below 2^47 (int64
 * requantization through a split multiplier; the reference's doubles are exact there too) and
 * shifts in [17, 62].
 */
export function fastConvChoice(ctx: QKernelCtx, xRank: number): { kind: FastConvKind } | { refusal: string } {
  const node = ctx.node, Wt = node.weight, req = node.requant;
  if (!Wt || !req || xRank !== 4 || Wt.shape.length !== 4) return { refusal: 'not a 2-D convolution with integer weights' };
  const [lo, hi] = quantRange(ctx.inputs[0]!.dtype), zx = ctx.inputs[0]!.quant.zeroPoint[0]!;
  const mx = Math.max(hi - zx, zx - lo), mw = maxAbs(Wt.data as ArrayLike<number>);
  if (mw > I16) return { refusal: `weights exceed int16 (|w| <= ${mw})` };
  const K = Wt.shape[1]! * Wt.shape[2]! * Wt.shape[3]!, mb = node.bias ? maxAbs(node.bias.data as ArrayLike<number>) : 0;
  const bound = mb + K * mx * mw;
  if (mx <= I16 && bound <= I32 && req.every((m) => m.shift >= 0 && m.m0 <= I32)) return { kind: 'narrow' };
  if (lo < -32768 || hi > I16 || zx < -32768 || zx > I16) return { refusal: `activations exceed int16 (${lo}..${hi}, zero point ${zx})` };
  if (bound >= 2 ** 47) return { refusal: `the accumulator bound ${bound} reaches 2^47` };
  if (req.some((m) => m.shift < 17 || m.shift > 62 || m.m0 > I32)) return { refusal: 'a multiplier is outside the kernel\'s range' };
  return { kind: 'wide' };
}

/** Why no kernel runs a node exactly, or undefined when one does. */
export function fastConvRefusal(ctx: QKernelCtx, xRank: number): string | undefined {
  const c = fastConvChoice(ctx, xRank);
  return 'refusal' in c ? c.refusal : undefined;
}

/** bias - zp_x * (sum of the channel's weights) per output channel, exactly, as int64. */
function wideBase(ctx: QKernelCtx): BigInt64Array {
  const node = ctx.node, Wt = node.weight!, M = Wt.shape[0]!, per = Wt.data.length / M, zx = BigInt(ctx.inputs[0]!.quant.zeroPoint[0]!);
  const base = new BigInt64Array(M);
  for (let m = 0; m < M; m++) {
    let sw = 0;
    for (let i = 0; i < per; i++) sw += Number(Wt.data[m * per + i]!);
    base[m] = (node.bias ? BigInt(Number(node.bias.data[m]!)) : 0n) - zx * BigInt(sw);
  }
  return base;
}

/** The Conv kernel of the fast engine on runtime rt. */
export function fastQconv(rt: DnnRuntime): QKernel {
  // per node, worked out on its first call: the kernel (null: the reference kernel) and the
  // constants every call uploads (the wide kernel's int64 base, the multipliers)
  const plans = new WeakMap<object, { kind: FastConvKind; base?: BigInt64Array; m0: Int32Array; shift: Int32Array } | null>();
  return (x, ctx) => {
    const node = ctx.node, X = x[0]!;
    let plan = plans.get(node);
    if (plan === undefined) {
      const c = fastConvChoice(ctx, X.shape.length);
      plans.set(node, (plan = 'refusal' in c ? null : {
        kind: c.kind, ...(c.kind === 'wide' ? { base: wideBase(ctx) } : {}),
        m0: Int32Array.from(node.requant!, (m) => m.m0), shift: Int32Array.from(node.requant!, (m) => m.shift),
      }));
    }
    if (plan === null) return qconv(x, ctx);
    const kind = plan.kind;
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
      if (d instanceof Int32Array || d instanceof Int16Array || d instanceof Int8Array || d instanceof Uint8Array) v.set(d); // a copy, no per-element conversion
      else for (let i = 0; i < d.length; i++) v[i] = Number(d[i]!);
      blocks.push(p);
      return p;
    };
    try {
      const p = put(params), px = put(X.data), pw = put(Wt.data as ArrayLike<number>);
      let pb = 0;
      if (plan.base) {
        pb = rt.arena.alloc(plan.base.length * 8);
        blocks.push(pb);
        new BigInt64Array(rt.memory.buffer, pb, plan.base.length).set(plan.base);
      } else if (node.bias) pb = put(node.bias.data as ArrayLike<number>);
      const pm = put(plan.m0), ps = put(plan.shift);
      const py = rt.arena.alloc(y.length * 4);
      blocks.push(py);
      rt.withWorkspaces(rt.exports.qconvWorkspaceBytes(p), (ws) => {
        rt.parallel(kind === 'wide' ? 'qconv16' : 'qconv', splitRange(N, rt.threads).map(([s, e], t) => (e <= s ? null : [p, px, pw, pb, pm, ps, py, ws[t]!, s, e])));
      });
      y.set(rt.i32(py, y.length));
    } finally {
      for (const b of blocks) rt.arena.free(b);
    }
    return { shape: [N, M, oH, oW], data: y };
  };
}
