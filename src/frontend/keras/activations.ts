// Keras activation functions (by their config name, snake or camel case) as IR nodes. Pointwise
// activations keep the value's layout; softmax works on the logical last (channel) axis.
import type { GraphBuilder, Value } from './builder.js';

export type Emit = (b: GraphBuilder, v: Value, name: string) => Value;

const unary = (op: string, attrs: Record<string, number> = {}): Emit => (b, v, name) => ({ ...v, name: b.node(op, name, [v.name], attrs) });

const clip = (lo: number, hi: number): Emit => (b, v, name) => ({ ...v, name: b.node('Clip', name, [v.name, b.scalar(`${name}_min`, lo), b.scalar(`${name}_max`, hi)]) });

/** x * gate(x) (swish = x*sigmoid(x), hard_swish = x*relu6(x+3)/6). */
const gated = (gate: string, attrs: Record<string, number> = {}): Emit => (b, v, name) => {
  const g = b.node(gate, `${name}_gate`, [v.name], attrs);
  return { ...v, name: b.node('Mul', name, [v.name, g]) };
};

export const softmaxEmit: Emit = (b, v, name) => {
  const axis = v.layout === 'nchw' && v.shape.length === 4 ? 1 : -1;
  return { ...v, name: b.node('Softmax', name, [v.name], { axis }) };
};

export const ACTIVATIONS: Record<string, Emit> = {
  linear: (_b, v) => v,
  relu: unary('Relu'),
  relu6: clip(0, 6),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  softmax: softmaxEmit,
  hard_sigmoid: unary('HardSigmoid', { alpha: 0.2, beta: 0.5 }),
  swish: gated('Sigmoid'),
  silu: gated('Sigmoid'),
  hard_swish: gated('HardSigmoid', { alpha: 1 / 6, beta: 0.5 }),
  hard_silu: gated('HardSigmoid', { alpha: 1 / 6, beta: 0.5 }),
  elu: unary('Elu', { alpha: 1 }),
};

/** Normalize 'hardSigmoid' / {class_name:'function', config:'relu'} to a table key, or undefined. */
export function activationName(raw: unknown): string | undefined {
  let s = raw;
  if (typeof s === 'object' && s !== null && !Array.isArray(s)) {
    const o = s as Record<string, unknown>;
    s = typeof o.config === 'string' ? o.config : typeof o.class_name === 'string' ? o.class_name : undefined;
  }
  if (typeof s !== 'string') return undefined;
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
