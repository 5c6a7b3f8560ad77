// Library mode's table for integer models (QModel, src/ir/quant-model.ts): op -> output shape and
// the dsplib calls that compute it on int32 words (one int8/int16 value per word). Conv = qpack +
// qconv (+ qclamp for a narrowing folded activation), Gemm = qpack + qdense (int8 / int16), MaxPool =
// qmaxpool, Relu/Clip = qclamp, Add = qadd, GlobalAveragePool = qgap, Flatten/Reshape = an alias.
import type { Multiplier, QModel, QNode, QValue } from '../../ir/quant-model.js';
import { type DspKernel, qadd, qclamp, qconv, qconvPack, qdense, qdensePack, qgap, qmaxpool, qpack } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';

/** What feeds a kernel tensor: a model value, a node-private scratch value, or packed constant words. */
export type QArg = { value: string } | { constant: Int32Array };

export interface QCall {
  kernel: DspKernel;
  /** Profiler region: the node name for its main call, `node:pack` / `node:clamp` for helpers. */
  region: string;
  args: Record<string, QArg>;
}

export interface QLowerCtx {
  q: QModel;
  node: QNode;
  t: TargetDesc;
  shape(v: string): number[];
  value(v: string): QValue;
  /** bwDNN's quantizeMultiplier (handed in: codegen does not import bwdnn). */
  multiplier(real: number): Multiplier;
}

export interface QLowering {
  /** dsplib kernels the op uses (for listing). */
  kernels: string;
  shape(c: QLowerCtx): number[];
  lower(c: QLowerCtx): QCall[] | { alias: string };
}

const bitsOf = (v: QValue): 8 | 16 => (v.dtype === 'int8' ? 8 : v.dtype === 'int16' ? 16 : fail(`dtype ${v.dtype}`));
function fail(what: string): never { throw new BwvmError('CODEGEN_QLIBRARY_DTYPE', `${what} has no DSP integer kernel (int8 / int16 only)`); }

export function refuse(c: QLowerCtx, what: string, hint: string): never {
  throw new BwvmError('CODEGEN_QLIBRARY_ATTR', `node '${c.node.name}' (${c.node.op}): ${what}`, { hint });
}

const zp = (v: QValue): number => v.quant.zeroPoint[0]!;
const sc = (v: QValue): number => v.quant.scale[0]!;
const range = (bits: 8 | 16): [number, number] => (bits === 8 ? [-128, 127] : [-32768, 32767]);
const nums = (d: ArrayLike<number | bigint>): number[] => Array.from(d as ArrayLike<number>, (x) => Number(x));
const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const ints = (a: QNode['attrs'], k: string): number[] | undefined => a[k] as number[] | undefined;

/** Input and output bits of a node; a MAC node must keep its bit width (qconv/qdense saturate to it). */
function io(c: QLowerCtx): { bits: 8 | 16; x: QValue; y: QValue } {
  const x = c.value(c.node.inputs[0]!), y = c.value(c.node.output);
  const bits = bitsOf(x);
  if (bitsOf(y) !== bits) refuse(c, `int${bits} input and int${bitsOf(y)} output`, 'mixed precision inside one layer has no DSP kernel; give the layer and its consumer the same --layer-bits');
  return { bits, x, y };
}

/** The node's clamp intersected with the dtype range, or undefined when it does not narrow it. */
function narrowing(c: QLowerCtx, bits: 8 | 16): [number, number] | undefined {
  const [lo0, hi0] = range(bits), cl = c.node.clamp;
  if (!cl) return undefined;
  const lo = Math.max(lo0, cl[0]), hi = Math.min(hi0, cl[1]);
  return lo > lo0 || hi < hi0 ? [lo, hi] : undefined;
}

/** A MAC call writing `acc`, followed by a qclamp into the node output when the folded activation narrows. */
function withClamp(c: QLowerCtx, bits: 8 | 16, main: (out: string) => QCall[]): QCall[] {
  const cl = narrowing(c, bits), out = c.node.output;
  if (!cl) return main(out);
  const acc = `${c.node.name}:acc`;
  return [...main(acc), { kernel: qclamp({ n: prod(c.shape(out)), bits, lo: cl[0], hi: cl[1] }, c.t), region: `${c.node.name}:clamp`, args: { x: { value: acc }, y: { value: out } } }];
}

function window(c: QLowerCtx, k: number[]): { stride: number; pad: number } {
  const a = c.node.attrs;
  const strides = ints(a, 'strides') ?? k.map(() => 1), pads = ints(a, 'pads') ?? [0, 0, 0, 0], dil = ints(a, 'dilations') ?? [1, 1];
  if (a.auto_pad && a.auto_pad !== 'NOTSET') refuse(c, `auto_pad ${String(a.auto_pad)}`, 'export with explicit pads');
  if (!strides.every((s) => s === strides[0]) || !pads.every((p) => p === pads[0]) || dil.some((d) => d !== 1)) {
    refuse(c, `strides ${strides} pads ${pads} dilations ${dil}`, 'the integer DSP kernels take equal strides, symmetric pads and no dilation');
  }
  return { stride: strides[0]!, pad: pads[0]! };
}

const convOut = (H: number, k: number, s: number, p: number): number => Math.floor((H + 2 * p - k) / s) + 1;

const conv: QLowering = {
  kernels: 'qpack + qconv (+ qclamp)',
  shape(c) {
    const [N, , H, W] = c.shape(c.node.inputs[0]!), [M, , kH, kW] = c.node.weight!.shape as number[];
    const { stride, pad } = window(c, [kH!, kW!]);
    return [N!, M!, convOut(H!, kH!, stride, pad), convOut(W!, kW!, stride, pad)];
  },
  lower(c) {
    const n = c.node, { bits, x, y } = io(c);
    const [, C, H, W] = c.shape(n.inputs[0]!) as [number, number, number, number];
    const [M, Cg, kH, kW] = n.weight!.shape as [number, number, number, number];
    if ((n.attrs.group as number | undefined ?? 1) !== 1 || Cg !== C) refuse(c, `group ${n.attrs.group} (grouped / depthwise convolution)`, 'the DSP qconv kernel takes group = 1; run depthwise layers in fp32 (library mode) or with the bwdnn quant reference');
    const { stride, pad } = window(c, [kH, kW]);
    const k = qconv({ C, H, W, M, kH, kW, stride, pad, bits }, c.t);
    const p = k.params as Record<string, number>;
    const packed = qconvPack({ x: new Int32Array(C * H * W), w: nums(n.weight!.data), ...(n.bias ? { bias: nums(n.bias.data) } : {}), mult: n.requant!, zx: zp(x), zy: zp(y) },
      { C, H, W, M, kH, kW, pad, bits, Hpp: p.Hpp!, Wpp: p.Wpp!, Kp: p.Kp! });
    const xp = `${n.name}:packed`;
    return withClamp(c, bits, (out): QCall[] => [
      { kernel: qpack({ C, H, W, bits, pad, Hpp: p.Hpp!, Wpp: p.Wpp!, zx: zp(x) }, c.t), region: `${n.name}:pack`, args: { x: { value: n.inputs[0]! }, y: { value: xp } } },
      { kernel: k, region: n.name, args: { x: { value: xp }, w: { constant: packed.w }, q: { constant: packed.q }, y: { value: out } } },
    ]);
  },
};

const gemm: QLowering = {
  kernels: 'qpack + qdense (+ qclamp)',
  shape(c) { return [c.shape(c.node.inputs[0]!)[0]!, c.node.weight!.shape[0] as number]; },
  lower(c) {
    const n = c.node, { bits, x, y } = io(c);
    const [N, K] = c.shape(n.inputs[0]!) as [number, number];
    const M = n.weight!.shape[0] as number;
    if (N !== 1) refuse(c, `batch ${N}`, 'the DSP program runs one image (batch 1)');
    if ((n.attrs.transA as number | undefined ?? 0) !== 0) refuse(c, 'transA = 1', 'export the Gemm with transA = 0');
    const data = { x: new Int32Array(K), w: nums(n.weight!.data), ...(n.bias ? { bias: nums(n.bias.data) } : {}), mult: n.requant!, zx: zp(x), zy: zp(y) };
    const xp = `${n.name}:packed`;
    const k = qdense({ N: 1, K, M, bits }, c.t);
    const packed = qdensePack({ N: 1, K, M, bits, ...data });
    return withClamp(c, bits, (out): QCall[] => [
      { kernel: qpack({ C: K, H: 1, W: 1, bits, pad: 0, Hpp: 1, Wpp: 1, zx: zp(x) }, c.t), region: `${n.name}:pack`, args: { x: { value: n.inputs[0]! }, y: { value: xp } } },
      { kernel: k, region: n.name, args: { x: { value: xp }, w: { constant: packed.w }, q: { constant: packed.q }, y: { value: out } } },
    ]);
  },
};

/** The integer pooling window of a MaxPool (square, no padding, floor mode). */
function poolWindow(c: QLowerCtx): { k: number; stride: number } {
  const ks = ints(c.node.attrs, 'kernel_shape')!;
  if (ks.length !== 2 || ks[0] !== ks[1]) refuse(c, `kernel ${ks}`, 'the integer pooling kernel takes square windows');
  if (c.node.attrs.ceil_mode) refuse(c, 'ceil_mode', 'use floor mode');
  const w = window(c, ks);
  if (w.pad) refuse(c, `pad ${w.pad}`, 'the integer pooling kernel takes no padding');
  return { k: ks[0]!, stride: w.stride };
}

const maxPool: QLowering = {
  kernels: 'qmaxpool',
  shape(c) {
    const [N, C, H, W] = c.shape(c.node.inputs[0]!), { k, stride } = poolWindow(c);
    return [N!, C!, convOut(H!, k, stride, 0), convOut(W!, k, stride, 0)];
  },
  lower(c) {
    const { bits } = io(c), [, C, H, W] = c.shape(c.node.inputs[0]!) as number[];
    return [{ kernel: qmaxpool({ C: C!, H: H!, W: W!, ...poolWindow(c), bits }, c.t), region: c.node.name, args: { x: { value: c.node.inputs[0]! }, y: { value: c.node.output } } }];
  },
};

const roundHalfEven = (v: number): number => { const f = Math.floor(v), d = v - f; return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1; };

/** Relu / Clip: the reference's bounds (zp + round_half_even(bound / s)) as one integer clamp. */
const clamp: QLowering = {
  kernels: 'qclamp',
  shape(c) { return c.shape(c.node.inputs[0]!); },
  lower(c) {
    const { bits, x } = io(c), [lo0, hi0] = range(bits), s = sc(x), z = zp(x), a = c.node.attrs;
    const min = c.node.op === 'Relu' ? 0 : (a.min as number | undefined) ?? -Infinity, max = c.node.op === 'Relu' ? Infinity : (a.max as number | undefined) ?? Infinity;
    const lo = Math.max(lo0, Number.isFinite(min) ? z + roundHalfEven(min / s) : lo0), hi = Math.min(hi0, Number.isFinite(max) ? z + roundHalfEven(max / s) : hi0);
    return [{ kernel: qclamp({ n: prod(c.shape(c.node.output)), bits, lo, hi: Math.max(lo, hi) }, c.t), region: c.node.name, args: { x: { value: c.node.inputs[0]! }, y: { value: c.node.output } } }];
  },
};

const add: QLowering = {
  kernels: 'qadd',
  shape(c) { return c.shape(c.node.inputs[0]!); },
  lower(c) {
    const [a, b] = c.node.inputs as [string, string], va = c.value(a), vb = c.value(b), { bits, y } = io(c);
    if (bitsOf(vb) !== bits) refuse(c, 'inputs of different bit widths', 'give both branches of the residual the same --layer-bits');
    if (prod(c.shape(a)) !== prod(c.shape(b))) refuse(c, 'broadcast inputs', 'the integer Add takes two tensors of one shape');
    const [lo0, hi0] = range(bits), cl = c.node.clamp ?? [lo0, hi0];
    const kernel = qadd({ n: prod(c.shape(a)), bits, za: zp(va), zb: zp(vb), zy: zp(y), ma: c.multiplier(sc(va) / sc(y)), mb: c.multiplier(sc(vb) / sc(y)), lo: Math.max(lo0, cl[0]), hi: Math.min(hi0, cl[1]) }, c.t);
    return [{ kernel, region: c.node.name, args: { x: { value: a }, x2: { value: b }, y: { value: c.node.output } } }];
  },
};

const gap: QLowering = {
  kernels: 'qgap',
  shape(c) { const [N, C] = c.shape(c.node.inputs[0]!); return [N!, C!, 1, 1]; },
  lower(c) {
    const { bits, x, y } = io(c), [, C, H, W] = c.shape(c.node.inputs[0]!) as number[];
    const [lo0, hi0] = range(bits), cl = c.node.clamp ?? [lo0, hi0];
    const kernel = qgap({ C: C!, H: H!, W: W!, bits, zx: zp(x), zy: zp(y), m: c.multiplier(sc(x) / (sc(y) * H! * W!)), lo: Math.max(lo0, cl[0]), hi: Math.min(hi0, cl[1]) }, c.t);
    return [{ kernel, region: c.node.name, args: { x: { value: c.node.inputs[0]! }, y: { value: c.node.output } } }];
  },
};

const reshape: QLowering = {
  kernels: 'alias',
  shape(c) { const s = c.shape(c.node.inputs[0]!); return [s[0]!, prod(s.slice(1))]; },
  lower(c) { return { alias: c.node.inputs[0]! }; },
};

/** The table: integer op -> DSP lowering. */
export const QLIBRARY_OPS: Record<string, QLowering> = {
  Conv: conv, Gemm: gemm, MaxPool: maxPool, Relu: clamp, Clip: clamp, Add: add, GlobalAveragePool: gap, Flatten: reshape, Reshape: reshape,
};

/** The lowering of an integer node, or CODEGEN_QLIBRARY_OP naming the op and the node. */
export function qloweringFor(node: QNode): QLowering {
  const row = QLIBRARY_OPS[node.op];
  if (!row) {
    throw new BwvmError('CODEGEN_QLIBRARY_OP', `node '${node.name}': integer op ${node.op} has no DSP kernel`,
      { hint: `the integer DSP path covers ${Object.keys(QLIBRARY_OPS).join(', ')}; add a row to QLIBRARY_OPS in src/codegen/library/qops.ts (and a kernel in src/dsplib/q-*.ts), or run the model with the bwdnn quant reference` });
  }
  return row;
}
