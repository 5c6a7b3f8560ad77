// Integer Conv and Gemm of the fixed-point reference: acc = bias + sum (x - zp_x) * w exactly
// (int32 range for 8-bit, int64 for 16-bit; both exact in doubles), then per output channel
// y = saturate(zp_y + rndsh(acc * M0[c], n[c]), clamp).
import { windowGeometry } from '../../ir/ops/geometry.js';
import { quantRange } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';
import { mulShifter, saturate } from './fixed.js';
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
  // x - zp_x copied into a zero-bordered plane per channel covering every window, so the tap loops
  // need no bounds tests (padding holds real 0 = zp_x, i.e. contributes 0). Every product and partial
  // sum is an integer below 2^53, so summing in this order is exact, like the definition's order.
  const Hp = Math.max(H + pT, (oH - 1) * sH + (kH - 1) * dH + 1), Wp = Math.max(W + pL, (oW - 1) * sW + (kW - 1) * dW + 1);
  const xp = new Float64Array(C * Hp * Wp), acc = Array.from({ length: 4 }, () => new Float64Array(oH * oW));
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) {
      const src = ((n * C + c) * H + h) * W, dst = (c * Hp + h + pT) * Wp + pL;
      for (let v = 0; v < W; v++) xp[dst + v] = xd[src + v]! - zx;
    }
    // output channels in blocks of up to 4 (within a group): each loaded input feeds 4 accumulators
    // (a group's last block may be short, so that the next block starts at the next group)
    for (let m0 = 0, nb = 0; m0 < M; m0 += nb) {
      const gi = Math.floor(m0 / Mg);
      nb = Math.min(4, Mg - (m0 % Mg));
      for (let j = 0; j < 4; j++) acc[j]!.fill(j < nb && b ? b[m0 + j]! : 0);
      const [a0, a1, a2, a3] = acc as [Float64Array, Float64Array, Float64Array, Float64Array], wStep = Cg * kH * kW;
      for (let c = 0; c < Cg; c++) {
        const xPlane = (gi * Cg + c) * Hp * Wp;
        for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
          const tap = (c * kH + kh) * kW + kw;
          const w0 = w[m0 * wStep + tap]!, w1 = nb > 1 ? w[(m0 + 1) * wStep + tap]! : 0;
          const w2 = nb > 2 ? w[(m0 + 2) * wStep + tap]! : 0, w3 = nb > 3 ? w[(m0 + 3) * wStep + tap]! : 0;
          if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
          const x0 = xPlane + kh * dH * Wp + kw * dW;
          for (let oh = 0; oh < oH; oh++) {
            const xr = x0 + oh * sH * Wp, ar = oh * oW;
            for (let ow = 0; ow < oW; ow++) {
              const v = xp[xr + ow * sW]!, i = ar + ow;
              a0[i] += w0 * v; a1[i] += w1 * v; a2[i] += w2 * v; a3[i] += w3 * v;
            }
          }
        }
      }
      for (let j = 0; j < nb; j++) {
        const ms = mulShifter(node.requant![m0 + j]!), a = acc[j]!, yo = (n * M + m0 + j) * oH * oW;
        for (let i = 0; i < oH * oW; i++) y[yo + i] = saturate(zy + ms(a[i]!), lo, hi); // = requantize(a[i], M, zy, lo, hi)
      }
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
  const y = new Int32Array(N * M), xd = X.data, ms = node.requant!.map(mulShifter);
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
    let acc = b ? b[m]! : 0;
    const xo = n * K, wo = m * K;
    for (let k = 0; k < K; k++) acc += (xd[xo + k]! - zx) * w[wo + k]!;
    y[n * M + m] = saturate(zy + ms[m]!(acc), lo, hi); // = requantize(acc, requant[m], zy, lo, hi)
  }
  return { shape: [N, M], data: y };
};
