// Library mode's op table: ONNX op -> how one node becomes one call of a hand-written dsplib
// kernel (shape parameters, which graph value or host-prepared constant feeds each kernel tensor)
// or an alias (Flatten/Reshape of a dense NCHW buffer moves no data). Add an op = add a row.
import type { Attrs, Graph, Node } from '../../ir/index.js';
import { DSP_KERNELS, type DspKernel, dense, foldBatchNorm } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';

/** What feeds a kernel tensor: a graph value (activation) or constant data prepared on the host (dense, row-major). */
export type ArgSource = { value: string } | { constant: Float32Array };

export interface LoweredCall {
  kernel: DspKernel;
  /** Per kernel tensor symbol (inputs and outputs). Outputs are always values. */
  args: Record<string, ArgSource>;
}

export interface LowerContext {
  g: Graph;
  node: Node;
  t: TargetDesc;
  /** Concrete shape of a value (throws naming the node when symbolic). */
  shape(name: string): number[];
  /** Constant data of an initializer input, or undefined for an activation. */
  constant(name: string): Float32Array | undefined;
}

export interface OpLowering {
  /** dsplib kernel(s) this op uses (for listing), or 'alias'. */
  kernel: string;
  lower(c: LowerContext): LoweredCall | { alias: string };
}

const gen = (name: string, shape: object, t: TargetDesc): DspKernel =>
  (DSP_KERNELS[name] as unknown as { generate(s: object, t: TargetDesc): DspKernel }).generate(shape, t);

const ints = (a: Attrs, k: string): number[] | undefined => a[k] as number[] | undefined;

function unsupported(c: LowerContext, what: string, hint: string): never {
  throw new BwvmError('CODEGEN_LIBRARY_ATTR', `node '${c.node.name}' (${c.node.op}): ${what}`, { hint });
}

const same = (xs: number[]): boolean => xs.every((v) => v === xs[0]);

/** A value's data or zeros (optional bias). */
const orZeros = (c: LowerContext, name: string | undefined, n: number): Float32Array =>
  (name ? c.constant(name) : undefined) ?? new Float32Array(n);

function needConst(c: LowerContext, i: number): Float32Array {
  const name = c.node.inputs[i]!;
  const v = c.constant(name);
  if (!v) unsupported(c, `input '${name}' must be a constant (initializer) in library mode`, 'fold it with %optimize -O1 or compute it on the host');
  return v;
}

function windowOf(c: LowerContext, k: number[]): { stride: number; pad: number } {
  const a = c.node.attrs;
  const strides = ints(a, 'strides') ?? k.map(() => 1), pads = ints(a, 'pads') ?? [0, 0, 0, 0], dil = ints(a, 'dilations') ?? [1, 1];
  if (a.auto_pad && a.auto_pad !== 'NOTSET') unsupported(c, `auto_pad ${String(a.auto_pad)}`, 'export with explicit pads');
  if (!same(strides) || !same(pads) || dil.some((d) => d !== 1)) unsupported(c, `strides ${strides} pads ${pads} dilations ${dil}`, 'library kernels take equal strides and symmetric pads, no dilation');
  return { stride: strides[0]!, pad: pads[0]! };
}

const conv: OpLowering = {
  kernel: 'conv2d',
  lower(c) {
    const [x, w, b] = c.node.inputs;
    const [, C, H, W] = c.shape(x!), [M, , kH, kW] = c.shape(w!);
    if ((c.node.attrs.group as number | undefined ?? 1) !== 1) unsupported(c, `group ${c.node.attrs.group}`, 'grouped/depthwise convolution needs a depthwise kernel row');
    const { stride, pad } = windowOf(c, [kH!, kW!]);
    const kernel = gen('conv2d', { C, H, W, M, kH, kW, stride, pad }, c.t);
    return { kernel, args: { x: { value: x! }, w: { constant: needConst(c, 1) }, b: { constant: orZeros(c, b || undefined, M!) }, y: { value: c.node.outputs[0]! } } };
  },
};

/** Dense y = x W^T + b (ONNX Gemm, transB 0 or 1) with dsplib's dense kernel. */
const gemm: OpLowering = {
  kernel: 'dense',
  lower(c) {
    const a = c.node.attrs;
    const [x, w, b] = c.node.inputs;
    if ((a.transA as number ?? 0) !== 0 || (a.alpha as number ?? 1) !== 1 || (a.beta as number ?? 1) !== 1) unsupported(c, 'transA/alpha/beta', 'use transA=0, alpha=beta=1');
    const [N, K] = c.shape(x!), ws = c.shape(w!);
    if (N !== 1) unsupported(c, `batch ${N}`, 'library mode runs one image (N=1)');
    const transB = (a.transB as number ?? 0) === 1;
    const M = transB ? ws[0]! : ws[1]!;
    const wd = needConst(c, 1);
    const wt = transB ? wd : Float32Array.from({ length: M * K! }, (_, i) => wd[(i % K!) * M + Math.floor(i / K!)]!);
    const bias = orZeros(c, b || undefined, M);
    if (bias.length !== M) unsupported(c, `bias of ${bias.length} values for ${M} outputs`, 'broadcast the bias on the host');
    const kernel = dense({ N: 1, K: K!, M }, c.t, { bias: true });
    return { kernel, args: { x: { value: x! }, w: { constant: wt }, b: { constant: bias }, y: { value: c.node.outputs[0]! } } };
  },
};

const eltwise = (kind: 'relu' | 'add'): OpLowering => ({
  kernel: kind,
  lower(c) {
    const n = c.shape(c.node.outputs[0]!).reduce((p, q) => p * q, 1);
    const src = (i: number): ArgSource => {
      const name = c.node.inputs[i]!;
      if (c.shape(name).reduce((p, q) => p * q, 1) !== n) unsupported(c, `broadcast input '${name}'`, 'library add takes two tensors of one shape');
      const k = c.constant(name);
      return k ? { constant: k } : { value: name };
    };
    const kernel = gen(kind, { n }, c.t);
    const args: Record<string, ArgSource> = kind === 'add' ? { x: src(0), x2: src(1), y: { value: c.node.outputs[0]! } } : { x: src(0), y: { value: c.node.outputs[0]! } };
    return { kernel, args };
  },
});

const pool = (kind: 'maxpool' | 'avgpool', global: boolean): OpLowering => ({
  kernel: kind,
  lower(c) {
    const [, C, H, W] = c.shape(c.node.inputs[0]!);
    let k = H!, stride = 1;
    if (!global) {
      const ks = ints(c.node.attrs, 'kernel_shape')!;
      if (!same(ks)) unsupported(c, `kernel ${ks}`, 'library pooling takes square windows');
      if (c.node.attrs.ceil_mode) unsupported(c, 'ceil_mode', 'use floor mode');
      const wdw = windowOf(c, ks);
      if (wdw.pad) unsupported(c, `pad ${wdw.pad}`, 'library pooling takes no padding');
      k = ks[0]!; stride = wdw.stride;
    } else if (H !== W) unsupported(c, `global pooling over ${H}x${W}`, 'square planes only');
    const kernel = gen(kind, { C, H, W, k, stride }, c.t);
    return { kernel, args: { x: { value: c.node.inputs[0]! }, y: { value: c.node.outputs[0]! } } };
  },
});

const batchnorm: OpLowering = {
  kernel: 'batchnorm',
  lower(c) {
    const [, C, H, W] = c.shape(c.node.inputs[0]!);
    const { scale, shift } = foldBatchNorm(needConst(c, 1), needConst(c, 2), needConst(c, 3), needConst(c, 4), c.node.attrs.epsilon as number ?? 1e-5);
    const kernel = gen('batchnorm', { C, H, W }, c.t);
    return { kernel, args: { x: { value: c.node.inputs[0]! }, scale: { constant: scale }, shift: { constant: shift }, y: { value: c.node.outputs[0]! } } };
  },
};

const alias: OpLowering = { kernel: 'alias', lower: (c) => ({ alias: c.node.inputs[0]! }) };

/** The table: ONNX op -> library lowering. */
export const LIBRARY_OPS: Record<string, OpLowering> = {
  Conv: conv,
  Gemm: gemm,
  Relu: eltwise('relu'),
  Add: eltwise('add'),
  MaxPool: pool('maxpool', false),
  AveragePool: pool('avgpool', false),
  GlobalAveragePool: pool('avgpool', true),
  BatchNormalization: batchnorm,
  Flatten: alias,
  Reshape: alias,
  Identity: alias,
};

/** The lowering of a node, or CODEGEN_LIBRARY_OP naming the op and the node. */
export function loweringFor(node: Node): OpLowering {
  const row = LIBRARY_OPS[node.op];
  if (!row) {
    throw new BwvmError('CODEGEN_LIBRARY_OP', `node '${node.name}': op ${node.op} has no DSP library kernel`,
      { hint: `library mode covers ${Object.keys(LIBRARY_OPS).join(', ')}; add a row to LIBRARY_OPS in src/codegen/library/ops.ts (and a kernel to src/dsplib/table.ts)` });
  }
  return row;
}
