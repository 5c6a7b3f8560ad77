// Integer Conv and Gemm of the fixed-point reference: acc = bias + sum (x - zp_x) * w exactly
// (int32 range for 8-bit, int64 for 16-bit; both exact in doubles), then per output channel
// y = saturate(zp_y + rndsh(acc * M0[c], n[c]), clamp).
import { windowGeometry } from '../../ir/ops/geometry.js';
import { quantRange } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';
import { requantize } from './fixed.js';
import type { QNode, QTensor, QValue } from './model.js';

export interface QKernelCtx { node: QNode; inputs: QValue[]; output: QValue }
export type QKernel = (x: QTensor[], ctx: QKernelCtx) => QTensor;

const numbers = (t: { data: ArrayLike<number | bigint> }): Float64Array => Float64Array.from(t.data as ArrayLike<number>, (v) => Number(v));

/** Output clamp of a node: its folded activation intersected with the dtype range. */
export function outClamp(ctx: QKernelCtx): [number, number] {
  const [lo, hi] = quantRange(ctx.output.dtype);
  const c = ctx.node.clamp;
  return c ? [Math.max(lo, c[0]), Math.min(hi, c[1])] : [lo, hi];
}

function weights(ctx: QKernelCtx): { w: Float64Array; b: Float64Array | undefined } {
  const { weight, bias } = ctx.node;
  if (!weight || !ctx.node.requant) throw new BwvmError('QUANT_MODEL', `node '${ctx.node.name}' (${ctx.node.op}) has no integer weights or multipliers`);
  return { w: numbers(weight), b: bias ? numbers(bias) : undefined };
}

export const qconv: QKernel = (x, ctx) => {
  const X = x[0]!, node = ctx.node, Wt = node.weight!;
  const { w, b } = weights(ctx);
  const [N, C, H, W] = X.shape as [number, number, number, number];
  if (X.shape.length !== 4) throw new BwvmError('QUANT_UNSUPPORTED', `node '${node.name}': only 2-D integer convolution is supported`);
  const M = Wt.shape[0]!, Cg = Wt.shape[1]!, kH = Wt.shape[2]!, kW = Wt.shape[3]!, group = (node.attrs.group as number | undefined) ?? 1;
  const g = windowGeometry([H, W], [kH, kW], node.attrs, node.name);
  const [oH, oW] = g.out as [number, number];
  const [sH, sW] = g.strides as [number, number], [dH, dW] = g.dilations as [number, number], pT = g.pads[0]!, pL = g.pads[1]!;
  const zx = ctx.inputs[0]!.quant.zeroPoint[0]!, zy = ctx.output.quant.zeroPoint[0]!;
  const [lo, hi] = outClamp(ctx);
  const y = new Int32Array(N * M * oH * oW), xd = X.data, Mg = M / group;
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
    const gi = Math.floor(m / Mg), mult = node.requant![m]!;
    for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
      let acc = b ? b[m]! : 0;
      for (let c = 0; c < Cg; c++) {
        const xPlane = (n * C + gi * Cg + c) * H, wPlane = (m * Cg + c) * kH;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - pT + kh * dH;
          if (ih < 0 || ih >= H) continue; // padding holds real 0 = zp_x, i.e. contributes 0
          const xRow = (xPlane + ih) * W, wRow = (wPlane + kh) * kW;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - pL + kw * dW;
            if (iw < 0 || iw >= W) continue;
            acc += (xd[xRow + iw]! - zx) * w[wRow + kw]!;
          }
        }
      }
      y[((n * M + m) * oH + oh) * oW + ow] = requantize(acc, mult, zy, lo, hi);
    }
  }
  return { shape: [N, M, oH, oW], data: y };
};

/** Gemm with A [N, K] (transA 0) and integer weights stored [Nout, K]. */
export const qgemm: QKernel = (x, ctx) => {
  const X = x[0]!, node = ctx.node;
  if ((node.attrs.transA as number | undefined) === 1) throw new BwvmError('QUANT_UNSUPPORTED', `node '${node.name}': Gemm with transA=1 cannot be quantized`);
  const { w, b } = weights(ctx);
  const [N, K] = X.shape as [number, number], M = node.weight!.shape[0]!;
  const zx = ctx.inputs[0]!.quant.zeroPoint[0]!, zy = ctx.output.quant.zeroPoint[0]!;
  const [lo, hi] = outClamp(ctx);
  const y = new Int32Array(N * M), xd = X.data;
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
    let acc = b ? b[m]! : 0;
    const xo = n * K, wo = m * K;
    for (let k = 0; k < K; k++) acc += (xd[xo + k]! - zx) * w[wo + k]!;
    y[n * M + m] = requantize(acc, node.requant![m]!, zy, lo, hi);
  }
  return { shape: [N, M], data: y };
};
