// Op rows: Gemm (transA/transB, alpha, beta, unidirectionally broadcast C) and MatMul (numpy
// batched matrix product with 1-D promotion).
import type { OpDef } from './schema.js';
import { broadcastShapes, numel } from '../shape.js';
import type { Dim } from '../types.js';

export const Gemm: OpDef = {
  op: 'Gemm', fuse: 'matmul', inputs: [2, 3], outputs: [1, 1],
  attrs: { alpha: { type: 'float', default: 1 }, beta: { type: 'float', default: 1 }, transA: { type: 'int', default: 0 }, transB: { type: 'int', default: 0 } },
  infer(ctx) {
    const a = ctx.inputs[0]!.shape, b = ctx.inputs[1]!.shape;
    if (a.length !== 2 || b.length !== 2) ctx.fail('IR_SHAPE', `Gemm needs 2-D A and B, got [${a}] and [${b}]`);
    const [m, ka] = ctx.attr<number>('transA') ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
    const [kb, n] = ctx.attr<number>('transB') ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
    if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) ctx.fail('IR_SHAPE', `inner dims differ: A [${a}] vs B [${b}] (transA=${ctx.attr('transA')}, transB=${ctx.attr('transB')})`);
    const c = ctx.inputs[2];
    if (c) broadcastShapes([c.shape, [m, n]], ctx.node.name);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: [m, n] }];
  },
  flops(ctx) {
    const a = ctx.inputs[0]!.shape;
    const k = ctx.attr<number>('transA') ? a[0]! : a[1]!;
    const out = numel(ctx.outputs[0]!.shape);
    return 2 * out * (typeof k === 'number' ? k : 1) + (ctx.inputs[2] ? out : 0);
  },
};

export function matmulShape(a: Dim[], b: Dim[], where: string, fail: (m: string) => never): Dim[] {
  if (a.length === 0 || b.length === 0) fail('MatMul inputs must have rank >= 1');
  const A = a.length === 1 ? [1, a[0]!] : a, B = b.length === 1 ? [b[0]!, 1] : b;
  const k1 = A[A.length - 1]!, k2 = B[B.length - 2]!;
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) fail(`inner dims differ: [${a}] x [${b}]`);
  const batch = broadcastShapes([A.slice(0, -2), B.slice(0, -2)], where);
  const out = [...batch, A[A.length - 2]!, B[B.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

export const MatMul: OpDef = {
  op: 'MatMul', fuse: 'matmul', inputs: [2, 2], outputs: [1, 1], attrs: {},
  infer: (ctx) => [{ dtype: ctx.inputs[0]!.dtype, shape: matmulShape(ctx.inputs[0]!.shape, ctx.inputs[1]!.shape, ctx.node.name, (m) => ctx.fail('IR_SHAPE', m)) }],
  flops(ctx) {
    const a = ctx.inputs[0]!.shape;
    const k = a[a.length - 1]!;
    return 2 * numel(ctx.outputs[0]!.shape) * (typeof k === 'number' ? k : 1);
  },
};

export const MATMUL_OPS: OpDef[] = [Gemm, MatMul];
