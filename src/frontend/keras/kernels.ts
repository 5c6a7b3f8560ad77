// Channels-last -> channels-first weight conversion and TensorFlow padding arithmetic
// (SAME/VALID windows, transposed-conv output sizes) expressed as explicit ONNX pads.
import type { Tensor } from '../../ir/index.js';

/** Permute a float32 tensor's axes: out axis i = source axis perm[i]. */
export function permute(t: Tensor, perm: number[]): Tensor {
  const src = t.data as Float32Array;
  const shape = perm.map((p) => t.shape[p]!);
  const r = t.shape.length;
  const srcStrides = new Array<number>(r);
  for (let i = r - 1, acc = 1; i >= 0; i--) { srcStrides[i] = acc; acc *= t.shape[i]!; }
  const st = perm.map((p) => srcStrides[p]!);
  const out = new Float32Array(src.length);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let s = 0;
    for (let i = 0; i < r; i++) s += idx[i]! * st[i]!;
    out[o] = src[s]!;
    for (let i = r - 1; i >= 0; i--) { if (++idx[i]! < shape[i]!) break; idx[i] = 0; }
  }
  return { dtype: 'float32', shape, data: out };
}

/** Keras Conv2D kernel [kh,kw,in,out] (and Conv2DTranspose [kh,kw,out,in]) -> [out,in,kh,kw] / [in,out,kh,kw]. */
export const hwioToOihw = (k: Tensor): Tensor => permute(k, [3, 2, 0, 1]);

/** Keras depthwise kernel [kh,kw,c,m] -> grouped conv weight [c*m,1,kh,kw] (output channel c*m+j). */
export function depthwiseToOihw(k: Tensor): Tensor {
  const p = permute(k, [2, 3, 0, 1]);
  return { ...p, shape: [k.shape[2]! * k.shape[3]!, 1, k.shape[0]!, k.shape[1]!] };
}

export interface Window { before: number; after: number; out: number }

/** TensorFlow SAME/VALID window along one spatial dim (SAME puts the odd pad at the end). */
export function tfWindow(inp: number, k: number, s: number, d: number, padding: 'same' | 'valid'): Window {
  const dk = (k - 1) * d + 1;
  if (padding === 'valid') return { before: 0, after: 0, out: Math.floor((inp - dk) / s) + 1 };
  const out = Math.ceil(inp / s);
  const total = Math.max((out - 1) * s + dk - inp, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before, out };
}

export interface TransposeWindow extends Window { outputPadding: number }

/** Keras Conv2DTranspose geometry along one dim as ONNX ConvTranspose pads + output_padding. */
export function tfTransposeWindow(inp: number, k: number, s: number, d: number, padding: 'same' | 'valid', outputPadding: number | null): TransposeWindow {
  const dk = (k - 1) * d + 1;
  let out: number;
  if (outputPadding === null) out = padding === 'valid' ? inp * s + Math.max(dk - s, 0) : inp * s;
  else out = (inp - 1) * s + dk - 2 * (padding === 'same' ? Math.floor(dk / 2) : 0) + outputPadding;
  const total = padding === 'same' ? Math.max((inp - 1) * s + dk - out, 0) : 0;
  const before = Math.floor(total / 2);
  return { before, after: total - before, out, outputPadding: out - ((inp - 1) * s + dk - total) };
}

/**
 * Rows of a Dense kernel [H*W*C, M] (channels-last flatten order) re-ordered for an input
 * flattened in C,H,W order: new row (c*H + h)*W + w = old row (h*W + w)*C + c.
 */
export function chwRows(k: Tensor, [c, h, w]: [number, number, number]): Tensor {
  const m = k.shape[1]!;
  const src = k.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) {
    const to = ((ci * h + hi) * w + wi) * m, from = ((hi * w + wi) * c + ci) * m;
    out.set(src.subarray(from, from + m), to);
  }
  return { dtype: 'float32', shape: [...k.shape], data: out };
}
