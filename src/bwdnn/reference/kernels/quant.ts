// Reference kernels: QuantizeLinear (round half to even, saturate to int8/uint8/int16) and
// DequantizeLinear, per-tensor or per-channel.
import { normAxis } from '../../../ir/shape.js';
import type { Tensor } from '../../../ir/types.js';
import { allocOut, getN, type Kernel, type KernelCtx } from '../kernel.js';

/** Index into scale/zero point for flat element i. */
function paramIndex(x: Tensor, scale: Tensor, ctx: KernelCtx): (i: number) => number {
  if (scale.data.length === 1) return () => 0;
  const axis = normAxis(ctx.attr<number>('axis'), x.shape.length, ctx.node.name);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = x.shape[axis]!;
  return (i) => Math.floor(i / inner) % n;
}

const roundHalfEven = (v: number): number => {
  const f = Math.floor(v), d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
};

const quantize: Kernel = (x, ctx) => {
  const X = x[0]!, S = x[1]!, Z = x[2];
  const y = allocOut(ctx);
  const [lo, hi] = y.dtype === 'int8' ? [-128, 127] : y.dtype === 'int16' ? [-32768, 32767] : [0, 255];
  const at = paramIndex(X, S, ctx);
  for (let i = 0; i < y.data.length; i++) {
    const k = at(i);
    const q = roundHalfEven(getN(X, i) / getN(S, k)) + (Z ? getN(Z, k) : 0);
    (y.data as Int8Array)[i] = Math.min(hi, Math.max(lo, q));
  }
  return [y];
};

const dequantize: Kernel = (x, ctx) => {
  const X = x[0]!, S = x[1]!, Z = x[2];
  const y = allocOut(ctx);
  const at = paramIndex(X, S, ctx);
  for (let i = 0; i < y.data.length; i++) {
    const k = at(i);
    (y.data as Float32Array)[i] = (getN(X, i) - (Z ? getN(Z, k) : 0)) * getN(S, k);
  }
  return [y];
};

export const QUANT_KERNELS: Record<string, Kernel> = { QuantizeLinear: quantize, DequantizeLinear: dequantize };
