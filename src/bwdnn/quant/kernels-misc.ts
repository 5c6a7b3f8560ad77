// Integer kernels without weights: Relu/Clip (a clamp in the quantized domain), MaxPool (on the
// integers, same params in and out), AveragePool/GlobalAveragePool (integer sum, requantized by
// s_x / (s_y * count)), Add (each input rescaled to the output scale, then summed), and the
// reshapes (Flatten, Reshape) that leave the integers alone.
import { windowGeometry } from '../../ir/ops/geometry.js';
import { quantRange } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';
import { mulShift, mulShifter, quantizeMultiplier, roundHalfEven, saturate } from './fixed.js';
import { outClamp, type QKernel, type QKernelCtx } from './kernels-mac.js';

const scaleOf = (ctx: QKernelCtx, i: number) => ctx.inputs[i]!.quant.scale[0]!;
const zpOf = (ctx: QKernelCtx, i: number) => ctx.inputs[i]!.quant.zeroPoint[0]!;

function sameParams(ctx: QKernelCtx): void {
  const a = ctx.inputs[0]!.quant, b = ctx.output.quant;
  if (a.scale[0] !== b.scale[0] || a.zeroPoint[0] !== b.zeroPoint[0] || ctx.inputs[0]!.dtype !== ctx.output.dtype) {
    throw new BwvmError('QUANT_MODEL', `node '${ctx.node.name}' (${ctx.node.op}) must keep its input's quantization params`);
  }
}

/** Relu / Clip: clamp to the quantized bounds of [min, max] (Relu: [0, inf)). */
const clampKernel: QKernel = (x, ctx) => {
  sameParams(ctx);
  const s = scaleOf(ctx, 0), z = zpOf(ctx, 0);
  const [lo0, hi0] = quantRange(ctx.output.dtype);
  const min = ctx.node.op === 'Relu' ? 0 : (ctx.node.attrs.min as number | undefined) ?? -Infinity;
  const max = ctx.node.op === 'Relu' ? Infinity : (ctx.node.attrs.max as number | undefined) ?? Infinity;
  const lo = Math.max(lo0, Number.isFinite(min) ? z + roundHalfEven(min / s) : lo0);
  const hi = Math.min(hi0, Number.isFinite(max) ? z + roundHalfEven(max / s) : hi0);
  const X = x[0]!, y = new Int32Array(X.data.length);
  for (let i = 0; i < y.length; i++) y[i] = saturate(X.data[i]!, lo, hi);
  return { shape: [...X.shape], data: y };
};

const maxPool: QKernel = (x, ctx) => {
  sameParams(ctx);
  const X = x[0]!, a = ctx.node.attrs;
  const [N, C, H, W] = X.shape as [number, number, number, number];
  const k = a.kernel_shape as number[];
  const g = windowGeometry([H, W], k, a, ctx.node.name, (a.ceil_mode as number | undefined) === 1);
  const [oH, oW] = g.out as [number, number];
  const y = new Int32Array(N * C * oH * oW);
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
    let m = -Infinity;
    for (let kh = 0; kh < k[0]!; kh++) {
      const ih = oh * g.strides[0]! - g.pads[0]! + kh * g.dilations[0]!;
      if (ih < 0 || ih >= H) continue;
      for (let kw = 0; kw < k[1]!; kw++) {
        const iw = ow * g.strides[1]! - g.pads[1]! + kw * g.dilations[1]!;
        if (iw >= 0 && iw < W) m = Math.max(m, X.data[(p * H + ih) * W + iw]!);
      }
    }
    y[(p * oH + oh) * oW + ow] = m;
  }
  return { shape: [N, C, oH, oW], data: y };
};

/** Average of `count` integers: zp_y + rndsh(sum * M0, n), M = s_x / (s_y * count). */
function averager(ctx: QKernelCtx): (sum: number, count: number) => number {
  const sx = scaleOf(ctx, 0), sy = ctx.output.quant.scale[0]!, zy = ctx.output.quant.zeroPoint[0]!;
  const [lo, hi] = outClamp(ctx);
  const mults = new Map<number, ReturnType<typeof quantizeMultiplier>>();
  return (sum, count) => {
    let m = mults.get(count);
    if (!m) { m = quantizeMultiplier(sx / (sy * count)); mults.set(count, m); }
    return saturate(zy + mulShift(sum, m), lo, hi);
  };
}

const avgPool: QKernel = (x, ctx) => {
  const X = x[0]!, a = ctx.node.attrs, zx = zpOf(ctx, 0), avg = averager(ctx);
  const [N, C, H, W] = X.shape as [number, number, number, number];
  const global = ctx.node.op === 'GlobalAveragePool';
  const k = global ? [H, W] : (a.kernel_shape as number[]);
  const g = global ? { out: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0] } : windowGeometry([H, W], k, a, ctx.node.name, (a.ceil_mode as number | undefined) === 1);
  const includePad = (a.count_include_pad as number | undefined) === 1;
  const [oH, oW] = g.out as [number, number];
  const y = new Int32Array(N * C * oH * oW);
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
    let sum = 0, cnt = 0;
    for (let kh = 0; kh < k[0]!; kh++) {
      const ih = oh * g.strides[0]! - g.pads[0]! + kh;
      for (let kw = 0; kw < k[1]!; kw++) {
        const iw = ow * g.strides[1]! - g.pads[1]! + kw;
        const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
        if (inside) sum += X.data[(p * H + ih) * W + iw]! - zx;
        if (inside || (includePad && ih < H + g.pads[2]! && iw < W + g.pads[3]!)) cnt++;
      }
    }
    y[(p * oH + oh) * oW + ow] = avg(sum, cnt);
  }
  return { shape: [N, C, oH, oW], data: y };
};

const add: QKernel = (x, ctx) => {
  const A = x[0]!, B = x[1]!;
  if (A.data.length !== B.data.length) throw new BwvmError('QUANT_UNSUPPORTED', `node '${ctx.node.name}': integer Add needs equal shapes (no broadcasting)`);
  const sy = ctx.output.quant.scale[0]!, zy = ctx.output.quant.zeroPoint[0]!;
  const ma = quantizeMultiplier(scaleOf(ctx, 0) / sy), mb = quantizeMultiplier(scaleOf(ctx, 1) / sy);
  const za = zpOf(ctx, 0), zb = zpOf(ctx, 1), [lo, hi] = outClamp(ctx);
  const y = new Int32Array(A.data.length);
  const sa = mulShifter(ma), sb = mulShifter(mb);
  for (let i = 0; i < y.length; i++) y[i] = saturate(zy + sa(A.data[i]! - za) + sb(B.data[i]! - zb), lo, hi);
  return { shape: [...A.shape], data: y };
};

/** Flatten / Reshape: the output shape was fixed by lowering (attrs.shape, batch dim 0 = any). */
const reshape: QKernel = (x, ctx) => {
  sameParams(ctx);
  const X = x[0]!;
  const N = X.shape[0]!, rest = X.data.length / N;
  const axis = ctx.node.op === 'Flatten' ? ((ctx.node.attrs.axis as number | undefined) ?? 1) : 1;
  if (axis !== 1) throw new BwvmError('QUANT_UNSUPPORTED', `node '${ctx.node.name}': only batch-preserving reshapes are supported`);
  return { shape: [N, rest], data: X.data };
};

export const MISC_QKERNELS: Record<string, QKernel> = {
  Relu: clampKernel, Clip: clampKernel, MaxPool: maxPool, AveragePool: avgPool, GlobalAveragePool: avgPool, Add: add, Flatten: reshape, Reshape: reshape,
};
