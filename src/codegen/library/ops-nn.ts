// Library-mode rows beyond the CNN basics (spread into LIBRARY_OPS by ops.ts): depthwise Conv
// (group == C), ConvTranspose -> deconv, Clip -> relu6/relu, LeakyRelu/Sigmoid/Tanh, Softmax over
// the last axis, channel Concat and MatMul with a constant right operand. One call per node.
import { deconvWeights, gemmLayoutB } from '../../dsplib/index.js';
import { type LoweredCall, type LowerContext, type OpLowering, gen, ints, needConst, orZeros, prod, same, source, unsupported, windowOf } from './ops-common.js';

const out = (c: LowerContext) => ({ value: c.node.outputs[0]! });

/** Why a grouped Conv is not one the depthwise kernel runs (group = C = M, square window), as the
 * problem and its fix, or undefined; `mode` names the code generator in the fix. */
export function depthwiseRefusal(c: LowerContext, mode: string): [string, string] | undefined {
  const [, C] = c.shape(c.node.inputs[0]!), [M, , kH, kW] = c.shape(c.node.inputs[1]!);
  const group = c.node.attrs.group as number;
  if (group !== C || M !== C) return [`group ${group} with ${C} input and ${M} output channels`, `${mode} runs depthwise convolution (group = C = M); split other grouped convolutions into per-group Convs + Concat`];
  if (kH !== kW) return [`kernel ${kH}x${kW}`, 'the depthwise kernel takes square windows'];
  return undefined;
}

/** Conv with group > 1: depthwise when group == C == M (channel multiplier 1), else a clear error. */
export function convGrouped(c: LowerContext): LoweredCall {
  const [x, w, b] = c.node.inputs;
  const [, C, H, W] = c.shape(x!), [, , kH, kW] = c.shape(w!);
  const no = depthwiseRefusal(c, 'library mode');
  if (no) unsupported(c, ...no);
  const { stride, pad } = windowOf(c, [kH!, kW!]);
  const kernel = gen('depthwise', { C, H, W, k: kH, stride, pad }, c.t);
  return { kernel, args: { x: { value: x! }, w: { constant: needConst(c, 1) }, b: { constant: orZeros(c, b || undefined, C!) }, y: out(c) } };
}

const convTranspose: OpLowering = {
  kernel: 'deconv',
  lower(c) {
    const a = c.node.attrs, [x, w, b] = c.node.inputs;
    const [, C, H, W] = c.shape(x!), [, Mg, kH, kW] = c.shape(w!);
    if ((a.group as number | undefined ?? 1) !== 1) unsupported(c, `group ${a.group}`, 'library deconv takes group = 1');
    if (a.output_shape) unsupported(c, 'output_shape', 'export ConvTranspose with pads / output_padding instead of output_shape');
    if (a.auto_pad && a.auto_pad !== 'NOTSET') unsupported(c, `auto_pad ${String(a.auto_pad)}`, 'export with explicit pads');
    const strides = ints(a, 'strides') ?? [1, 1], dil = ints(a, 'dilations') ?? [1, 1], op = ints(a, 'output_padding') ?? [0, 0];
    const pads = (ints(a, 'pads') ?? [0, 0, 0, 0]) as [number, number, number, number];
    if (!same(strides) || !same(op) || dil.some((d) => d !== 1)) unsupported(c, `strides ${strides} output_padding ${op} dilations ${dil}`, 'library deconv takes equal strides and output_padding, no dilation');
    const shape = { C: C!, H: H!, W: W!, M: Mg!, kH: kH!, kW: kW!, stride: strides[0]!, pad: pads[0]!, ...(same(pads) ? {} : { pads }), ...(op[0] ? { outPad: op[0] } : {}) };
    const kernel = gen('deconv', shape, c.t);
    return { kernel, args: { x: { value: x! }, w: { constant: deconvWeights(shape, needConst(c, 1)) }, b: { constant: orZeros(c, b || undefined, Mg!) }, y: out(c) } };
  },
};

/** Pointwise kernel over all n words of the input. */
const pointwise = (kind: string, extra: (c: LowerContext) => object = () => ({})): OpLowering => ({
  kernel: kind,
  lower(c) {
    const kernel = gen(kind, { n: prod(c.shape(c.node.inputs[0]!)), ...extra(c) }, c.t);
    return { kernel, args: { x: source(c, c.node.inputs[0]!), y: out(c) } };
  },
});

/** A Clip bound: attribute (opset < 11) or constant input (opset >= 11), undefined when absent. */
function bound(c: LowerContext, i: number, attr: string): number | undefined {
  const name = c.node.inputs[i];
  if (name) {
    const v = c.constant(name);
    if (!v) unsupported(c, `${attr} bound '${name}' is not a constant`, 'library Clip takes constant bounds');
    return v[0];
  }
  return c.node.attrs[attr] as number | undefined;
}

const clip: OpLowering = {
  kernel: 'relu6',
  lower(c) {
    const lo = bound(c, 1, 'min'), hi = bound(c, 2, 'max');
    const kind = lo === 0 && hi === 6 ? 'relu6' : lo === 0 && hi === undefined ? 'relu' : undefined;
    if (!kind) unsupported(c, `Clip(${lo ?? '-inf'}, ${hi ?? 'inf'})`, 'library mode runs Clip(0, 6) as relu6 and Clip(0, inf) as relu');
    return pointwise(kind).lower(c);
  },
};

const softmax: OpLowering = {
  kernel: 'softmax',
  lower(c) {
    const s = c.shape(c.node.inputs[0]!), r = s.length;
    const raw = c.node.attrs.axis as number | undefined ?? (c.g.opset < 13 ? 1 : -1), axis = raw < 0 ? raw + r : raw;
    // opset < 13 flattens from `axis` on; >= 13 normalizes the one axis (the same when it is the last)
    if (c.g.opset >= 13 && axis !== r - 1) unsupported(c, `axis ${raw} of a rank-${r} tensor`, 'library softmax runs over the last axis; transpose first');
    const K = prod(s.slice(axis)), N = prod(s) / K;
    return { kernel: gen('softmax', { N, K }, c.t), args: { x: source(c, c.node.inputs[0]!), y: out(c) } };
  },
};

const concat: OpLowering = {
  kernel: 'concat',
  lower(c) {
    const ins = c.node.inputs, shapes = ins.map((n) => c.shape(n)), r = shapes[0]!.length;
    const raw = c.node.attrs.axis as number, axis = raw < 0 ? raw + r : raw;
    if (r !== 4 || axis !== 1) unsupported(c, `axis ${raw} of a rank-${r} tensor`, 'library concat joins NCHW tensors along channels (axis 1)');
    if (ins.length < 2 || ins.length > 4) unsupported(c, `${ins.length} inputs`, 'library concat takes 2..4 inputs; chain several Concats');
    const [N, , H, W] = shapes[0]!;
    const kernel = gen('concat', { N, C: shapes.map((s) => s[1]!), H, W }, c.t);
    const args: LoweredCall['args'] = { y: out(c) };
    ins.forEach((n, i) => { args[`x${i}`] = source(c, n); });
    return { kernel, args };
  },
};

/** MatMul A·B with A [.., K] an activation (leading dims flattened to N rows) and B [K, M] constant. */
const matmul: OpLowering = {
  kernel: 'matmul',
  lower(c) {
    const [a, b] = c.node.inputs, sa = c.shape(a!), sb = c.shape(b!);
    if (sb.length !== 2) unsupported(c, `right operand of rank ${sb.length}`, 'library matmul takes a 2-D constant right operand');
    if (!c.constant(b!)) unsupported(c, `right operand '${b}' is not a constant`, 'library matmul needs B as an initializer (weights)');
    const [K, M] = sb as [number, number], N = prod(sa) / K;
    const kernel = gen('matmul', { N, K, M }, c.t);
    return { kernel, args: { a: source(c, a!), b: { constant: gemmLayoutB(needConst(c, 1), K, M) }, y: out(c) } };
  },
};

export const NN_LOWERINGS: Record<string, OpLowering> = {
  ConvTranspose: convTranspose,
  Clip: clip,
  LeakyRelu: pointwise('leakyrelu', (c) => ({ alpha: c.node.attrs.alpha as number | undefined ?? 0.01 })),
  Sigmoid: pointwise('sigmoid'),
  Tanh: pointwise('tanh'),
  Softmax: softmax,
  Concat: concat,
  MatMul: matmul,
};
