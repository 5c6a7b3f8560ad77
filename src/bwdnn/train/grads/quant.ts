// Straight-through-estimator gradients of QuantizeLinear / DequantizeLinear, so a QDQ pair acts
// as fake quantization in training (QAT): DequantizeLinear passes dy * scale back to the integer
// value, QuantizeLinear passes dy / scale to its float input where it did not saturate, 0 where
// it clipped. Through a pair: dx = dy inside the quantization range, 0 outside.
import { normAxis } from '../../../ir/shape.js';
import type { Tensor } from '../../../ir/types.js';
import type { GradCtx, GradRow } from '../grad.js';

function scaleAt(c: GradCtx, x: Tensor, s: Tensor): (i: number) => number {
  if (s.data.length === 1) { const v = Number(s.data[0]); return () => v; }
  const axis = normAxis(c.attr<number>('axis'), x.shape.length, c.node.name);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1), n = x.shape[axis]!;
  return (i) => Number(s.data[Math.floor(i / inner) % n]);
}

const quantizeSte: GradRow = {
  trainable: [0],
  grad: (c) => {
    if (!c.need[0]) return [];
    const X = c.x[0]!, S = c.x[1]!, Z = c.x[2];
    const y = c.y[0]!, [lo, hi] = y.dtype === 'int8' ? [-128, 127] : y.dtype === 'int16' ? [-32768, 32767] : [0, 255];
    const s = scaleAt(c, X, S), z = Z ? scaleAt(c, X, Z) : () => 0;
    const x = X.data as Float32Array, dx = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const q = Math.round(x[i]! / s(i)) + z(i);
      dx[i] = q >= lo && q <= hi ? c.dy[i]! / s(i) : 0;
    }
    return [dx];
  },
};

const dequantizeSte: GradRow = {
  trainable: [],
  grad: (c) => {
    if (!c.need[0]) return [];
    const s = scaleAt(c, c.x[0]!, c.x[1]!), dx = new Float32Array(c.dy.length);
    for (let i = 0; i < dx.length; i++) dx[i] = c.dy[i]! * s(i);
    return [dx];
  },
};

export const QUANT_GRADS: Record<string, GradRow> = { QuantizeLinear: quantizeSte, DequantizeLinear: dequantizeSte };
