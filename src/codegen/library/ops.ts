// Library mode's op table: ONNX op -> how one node becomes one call of a hand-written dsplib
// kernel (shape parameters, which graph value or host-prepared constant feeds each kernel tensor)
// or an alias (Flatten/Reshape of a dense NCHW buffer moves no data). Add an op = add a row.
import type { Node } from '../../ir/index.js';
import { dense, foldBatchNorm } from '../../dsplib/index.js';
import { BwvmError } from '../../util/errors.js';
import { type ArgSource, gen, ints, needConst, type OpLowering, orZeros, same, unsupported, windowOf } from './ops-common.js';
import { NN_LOWERINGS, convGrouped } from './ops-nn.js';

export type { ArgSource, LoweredCall, LowerContext, OpLowering } from './ops-common.js';

const conv: OpLowering = {
  kernel: 'conv2d',
  lower(c) {
    const [x, w, b] = c.node.inputs;
    const [, C, H, W] = c.shape(x!), [M, , kH, kW] = c.shape(w!);
    if ((c.node.attrs.group as number | undefined ?? 1) !== 1) return convGrouped(c);
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
  ...NN_LOWERINGS,
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
