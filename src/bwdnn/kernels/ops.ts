// The fast kernels as an op table in the reference executor's Kernel contract (ONNX op ->
// kernel over IR tensors): Conv, Gemm, MatMul (2-D), pools, BatchNormalization, activations,
// Add/Mul. A configuration a fast kernel does not cover runs the reference kernel instead.
import type { Node, Tensor } from '../../ir/types.js';
import { windowGeometry } from '../../ir/ops/geometry.js';
import { KERNELS } from '../reference/kernels/index.js';
import { allocOut, getN, type Kernel, type KernelCtx } from '../reference/kernel.js';
import type { DnnRuntime } from './runtime.js';
import { conv2dPtr, type ConvGeometry } from './conv.js';
import { gemmPtr } from './gemm.js';
import { pool2dPtr } from './pool.js';
import { activationPtr, binaryPtr, batchNormPtr } from './eltwise.js';
import type { ActivationSpec } from './activation.js';
import { BwvmError } from '../../util/errors.js';

const noKernel = (op: string): never => { throw new BwvmError('EXEC_NO_KERNEL', `no kernel for op '${op}'`); };

const isF32 = (t: Tensor | undefined): t is Tensor => !!t && t.dtype === 'float32' && t.data instanceof Float32Array;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Runs fn(input pointers, output pointer) on a fresh output tensor (resident data in place, the rest copied). */
function onArena(rt: DnnRuntime, ctx: KernelCtx, inputs: (Tensor | undefined)[], fn: (p: number[], y: number) => void): Tensor[] {
  const y = allocOut(ctx);
  rt.scope((s) => fn(inputs.map((t) => (t ? s.input(t.data as Float32Array) : 0)), s.output(y.data as Float32Array)));
  return [y];
}

type Fast = (rt: DnnRuntime, x: (Tensor | undefined)[], ctx: KernelCtx) => Tensor[] | undefined;

/** The kernels' geometry of a 2-D ONNX Conv node with input shape xs and weight shape ws. */
export function convGeometryOf(xs: number[], ws: number[], node: Node, group: number): ConvGeometry {
  const g = windowGeometry(xs.slice(2), ws.slice(2), node.attrs, node.name);
  return {
    N: xs[0]!, C: xs[1]!, H: xs[2]!, W: xs[3]!, Cout: ws[0]!, kh: ws[2]!, kw: ws[3]!, groups: group,
    stride: [g.strides[0]!, g.strides[1]!], dilation: [g.dilations[0]!, g.dilations[1]!],
    pads: [g.pads[0]!, g.pads[1]!, g.pads[2]!, g.pads[3]!],
  };
}

const conv: Fast = (rt, x, ctx) => {
  const [X, W, B] = x;
  if (!isF32(X) || !isF32(W) || (B && !isF32(B)) || X.shape.length !== 4) return undefined;
  const geom = convGeometryOf(X.shape, W.shape, ctx.node, ctx.attr<number>('group'));
  return onArena(rt, ctx, [X, W, B], ([px, pw, pb], py) => { conv2dPtr(rt, geom, px, pw, pb, py); });
};

const gemm: Fast = (rt, x, ctx) => {
  const [A, B, C] = x;
  if (!isF32(A) || !isF32(B) || (C && !isF32(C)) || ctx.attr<number>('alpha') !== 1) return undefined;
  const tA = ctx.attr<number>('transA') === 1, tB = ctx.attr<number>('transB') === 1;
  const M = tA ? A.shape[1] : A.shape[0], K = tA ? A.shape[0] : A.shape[1], N = tB ? B.shape[0] : B.shape[1];
  // C fused as a bias only when it is one value per output column and beta is 1
  if (C && (ctx.attr<number>('beta') !== 1 || size(C.shape) !== N || C.shape[C.shape.length - 1] !== N)) return undefined;
  return onArena(rt, ctx, [A, B, C], ([pa, pb, pc], py) =>
    gemmPtr(rt, { M, N, K, a: pa, b: pb, c: py, transA: tA, transB: tB, bias: pc, biasPer: 'col' }));
};

const matmul: Fast = (rt, x, ctx) => {
  const [A, B] = x;
  if (!isF32(A) || !isF32(B) || A.shape.length !== 2 || B.shape.length !== 2) return undefined;
  const [M, K] = A.shape, N = B.shape[1];
  return onArena(rt, ctx, [A, B], ([pa, pb], py) => gemmPtr(rt, { M, N, K, a: pa, b: pb, c: py }));
};

function pool(mode: 'max' | 'avg'): Fast {
  return (rt, x, ctx) => {
    const X = x[0];
    if (!isF32(X) || X.shape.length !== 4 || ctx.node.outputs.filter(Boolean).length > 1) return undefined;
    const k = ctx.attr<number[]>('kernel_shape');
    const ceilMode = ctx.attr<number>('ceil_mode') === 1;
    const g = windowGeometry(X.shape.slice(2), k, ctx.node.attrs, ctx.node.name, ceilMode);
    const [N, C, H, W] = X.shape;
    return onArena(rt, ctx, [X], ([px], py) => pool2dPtr(rt, {
      N, C, H, W, kh: k[0], kw: k[1], mode, stride: [g.strides[0], g.strides[1]], dilation: [g.dilations[0], g.dilations[1]],
      pads: [g.pads[0], g.pads[1], g.pads[2], g.pads[3]], ceilMode,
      countIncludePad: mode === 'avg' && ctx.attr<number>('count_include_pad') === 1,
    }, px, py));
  };
}

const globalAvgPool: Fast = (rt, x, ctx) => {
  const X = x[0];
  if (!isF32(X) || X.shape.length !== 4) return undefined;
  const [N, C, H, W] = X.shape;
  return onArena(rt, ctx, [X], ([px], py) => pool2dPtr(rt, { N, C, H, W, kh: H, kw: W, mode: 'avg' }, px, py));
};

const batchNorm: Fast = (rt, x, ctx) => {
  const [X, g, b, m, v] = x;
  if (![X, g, b, m, v].every(isF32) || ctx.node.outputs.filter(Boolean).length > 1 || X!.shape.length < 2) return undefined;
  const [N, C] = X!.shape;
  const HW = size(X!.shape.slice(2));
  return onArena(rt, ctx, [X, g, b, m, v], ([px, pg, pb, pm, pv], py) =>
    batchNormPtr(rt, px, py, N, C, HW, { gamma: pg, beta: pb, mean: pm, variance: pv, eps: ctx.attr<number>('epsilon') }));
};

function act(spec: (ctx: KernelCtx, x: (Tensor | undefined)[]) => ActivationSpec | null): Fast {
  return (rt, x, ctx) => {
    const s = spec(ctx, x);
    if (!isF32(x[0]) || s === null) return undefined;
    return onArena(rt, ctx, [x[0]], ([px], py) => activationPtr(rt, px, py, x[0]!.data.length, s));
  };
}

const clipSpec = (ctx: KernelCtx, x: (Tensor | undefined)[]): ActivationSpec | null => {
  const lo = x[1] ? getN(x[1], 0) : ctx.has('min') ? ctx.attr<number>('min') : -Infinity;
  const hi = x[2] ? getN(x[2], 0) : ctx.has('max') ? ctx.attr<number>('max') : Infinity;
  return lo === 0 && hi === 6 ? 'relu6' : lo === 0 && hi === Infinity ? 'relu' : null;
};

function binary(op: 'add' | 'mul'): Fast {
  return (rt, x, ctx) => {
    const [a, b] = x;
    if (!isF32(a) || !isF32(b) || a.data.length !== b.data.length || ctx.out(0).shape.length !== a.shape.length) return undefined;
    return onArena(rt, ctx, [a, b], ([pa, pb], py) => binaryPtr(rt, op, pa, pb, py, a.data.length));
  };
}

export const FAST_OPS: Record<string, Fast> = {
  Conv: conv, Gemm: gemm, MatMul: matmul,
  MaxPool: pool('max'), AveragePool: pool('avg'), GlobalAveragePool: globalAvgPool,
  BatchNormalization: batchNorm,
  Relu: act(() => 'relu'), Sigmoid: act(() => 'sigmoid'), Tanh: act(() => 'tanh'), HardSwish: act(() => 'hardswish'),
  LeakyRelu: act((ctx) => ({ kind: 'leaky', alpha: ctx.attr<number>('alpha') })), Clip: act(clipSpec),
  Add: binary('add'), Mul: binary('mul'),
};

/** The reference kernel table with the fast kernels (on `rt`) in place where they apply. */
export function fastKernels(rt: DnnRuntime): Map<string, Kernel> {
  const table = new Map(KERNELS);
  for (const [op, fast] of Object.entries(FAST_OPS)) {
    const ref = KERNELS.get(op);
    table.set(op, (x, ctx) => fast(rt, x, ctx) ?? (ref ? ref(x, ctx) : noKernel(op)));
  }
  return table;
}
