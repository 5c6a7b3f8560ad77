// Integer kernels without weights: Relu/Clip (a clamp in the quantized domain), MaxPool (on the
// integers, same params in and out), AveragePool/GlobalAveragePool (integer sum, requantized by
// s_x / (s_y * count)), Add (each input rescaled to the output scale, then summed), and the
// reshapes (Flatten, Reshape) that leave the integers alone.
import { windowGeometry } from '../../ir/ops/geometry.js';
import { quantRange } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';
import { mulShift, mulShifter, quantizeMultiplier, roundHalfEven, saturate } from './fixed.js';
import { outClamp, type QKernel, type QKernelCtx } from './kernels-mac.js';
import type { Multiplier } from './model.js';

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

/** Per output index, the first and one-past-last window taps inside [0, size) (no bounds tests in the loops). */
function tapRanges(out: number, size: number, k: number, stride: number, pad: number, dil: number): Int32Array {
  const r = new Int32Array(2 * out);
  for (let o = 0; o < out; o++) {
    const i0 = o * stride - pad;
    r[2 * o] = Math.min(k, Math.max(0, Math.ceil(-i0 / dil)));
    r[2 * o + 1] = Math.max(r[2 * o]!, Math.min(k, Math.floor((size - 1 - i0) / dil) + 1));
  }
  return r;
}

const maxPool: QKernel = (x, ctx) => {
  sameParams(ctx);
  const X = x[0]!, a = ctx.node.attrs, xd = X.data;
  const [N, C, H, W] = X.shape as [number, number, number, number];
  const k = a.kernel_shape as number[];
  const g = windowGeometry([H, W], k, a, ctx.node.name, (a.ceil_mode as number | undefined) === 1);
  const [oH, oW] = g.out as [number, number], [sH, sW] = g.strides as [number, number], [dH, dW] = g.dilations as [number, number];
  const y = new Int32Array(N * C * oH * oW);
  if (k[0] === 2 && k[1] === 2 && sH === 2 && sW === 2 && dH === 1 && dW === 1 && g.pads.every((p) => p === 0) && 2 * oH <= H && 2 * oW <= W) {
    // the common 2x2/2 window without padding: every tap inside, four loads per output
    for (let p = 0; p < N * C; p++) for (let oh = 0; oh < oH; oh++) {
      const r0 = (p * H + 2 * oh) * W, r1 = r0 + W, yo = (p * oH + oh) * oW;
      for (let ow = 0; ow < oW; ow++) {
        const a = Math.max(xd[r0 + 2 * ow]!, xd[r0 + 2 * ow + 1]!), b = Math.max(xd[r1 + 2 * ow]!, xd[r1 + 2 * ow + 1]!);
        y[yo + ow] = a > b ? a : b;
      }
    }
    return { shape: [N, C, oH, oW], data: y };
  }
  const rh = tapRanges(oH, H, k[0]!, sH, g.pads[0]!, dH), rw = tapRanges(oW, W, k[1]!, sW, g.pads[1]!, dW);
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < oH; oh++) {
    const row0 = p * H + oh * sH - g.pads[0]!, yo = (p * oH + oh) * oW;
    for (let ow = 0; ow < oW; ow++) {
      const col0 = ow * sW - g.pads[1]!;
      let m = -Infinity;
      for (let kh = rh[2 * oh]!; kh < rh[2 * oh + 1]!; kh++) {
        const r = (row0 + kh * dH) * W + col0;
        for (let kw = rw[2 * ow]!; kw < rw[2 * ow + 1]!; kw++) { const v = xd[r + kw * dW]!; if (v > m) m = v; }
      }
      y[yo + ow] = m;
    }
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
  const y = new Int32Array(A.data.length), ad = A.data, bd = B.data;
  const [la, ha] = quantRange(ctx.inputs[0]!.dtype), [lb, hb] = quantRange(ctx.inputs[1]!.dtype);
  if (ha - la + hb - lb + 2 <= y.length) {
    // each input's rescaled value as a table over its integer range: the same mulShift, worked out
    // once per possible input value instead of once per element
    const table = (m: Multiplier, z: number, l: number, h: number): Float64Array => {
      const sh = mulShifter(m), t = new Float64Array(h - l + 1);
      for (let v = l; v <= h; v++) t[v - l] = sh(v - z);
      return t;
    };
    const ta = table(ma, za, la, ha), tb = table(mb, zb, lb, hb);
    for (let i = 0; i < y.length; i++) y[i] = saturate(zy + ta[ad[i]! - la]! + tb[bd[i]! - lb]!, lo, hi);
  } else {
    const sa = mulShifter(ma), sb = mulShifter(mb);
    for (let i = 0; i < y.length; i++) y[i] = saturate(zy + sa(ad[i]! - za) + sb(bd[i]! - zb), lo, hi);
  }
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
