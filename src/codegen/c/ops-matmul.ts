// C emitters for Gemm (transA/transB, alpha, beta, broadcast C) and MatMul (batched with numpy
// broadcasting of the batch dims, 1-D promotion). Both are fusion anchors: the epilogue (fused
// bias Add / activation) runs on each output element with its column as the channel.
import { broadcastLoops } from './ops-eltwise.js';
import { loop, type CEmitter } from './types.js';

const gemm: CEmitter = {
  anchorAxis: 'last',
  emit(ctx) {
    const tA = ctx.op.attr<number>('transA') === 1, tB = ctx.op.attr<number>('transB') === 1;
    const alpha = ctx.op.attr<number>('alpha'), beta = ctx.op.attr<number>('beta');
    const [M, N] = ctx.outShape() as [number, number];
    const a = ctx.inShape(0);
    const K = tA ? a[0]! : a[1]!;
    const hasC = !!ctx.node.inputs[2];
    const cIdx = hasC ? broadcastLoops([M, N], [ctx.inShape(2)]).inIdx[0]!.replace(/i0/g, 'i').replace(/i1/g, 'j') : '';
    const aAt = tA ? `a[k * ${M} + i]` : `a[i * ${K} + k]`, bAt = tB ? `b[j * ${K} + k]` : `b[k * ${N} + j]`;
    const scaled = alpha === 1 ? 'acc' : `${alpha} * acc`;
    const bias = hasC ? (beta === 1 ? ` + c[${cIdx}]` : ` + ${beta} * c[${cIdx}]`) : '';
    return [
      `const float* a = ${ctx.input(0)};`, `const float* b = ${ctx.input(1)};`,
      ...(hasC ? [`const float* c = ${ctx.input(2)};`] : []), `float* y = ${ctx.output()};`,
      `${loop('i', M)} ${loop('j', N)} {`,
      '  double acc = 0.0;',
      `  ${loop('k', K)} acc += (double)${aAt} * ${bAt};`,
      `  float v = (float)(${scaled}${bias});`,
      ...ctx.epilogue('v', 'j').map((s) => `  ${s}`),
      `  y[i * ${N} + j] = v;`,
      '}',
    ];
  },
};

const matmul: CEmitter = {
  anchorAxis: 'last',
  emit(ctx) {
    const A = ctx.inShape(0), B = ctx.inShape(1), Y = ctx.outShape();
    const As = A.length === 1 ? [1, A[0]!] : A, Bs = B.length === 1 ? [B[0]!, 1] : B;
    const M = As[As.length - 2]!, K = As[As.length - 1]!, N = Bs[Bs.length - 1]!;
    const outBatch = Y.slice(0, Math.max(0, Y.length - (A.length === 1 || B.length === 1 ? 1 : 2)));
    const bl = broadcastLoops(outBatch, [As.slice(0, -2), Bs.slice(0, -2)]);
    const oo = outBatch.length ? `(${bl.outIdx}) * ${M * N}` : '0';
    return [
      `const float* a = ${ctx.input(0)};`, `const float* b = ${ctx.input(1)};`, `float* y = ${ctx.output()};`,
      ...bl.open,
      `const float* ab = a + (${bl.inIdx[0]}) * ${M * K}; const float* bb = b + (${bl.inIdx[1]}) * ${K * N}; float* yb = y + ${oo};`,
      `${loop('i', M)} ${loop('j', N)} {`,
      '  double acc = 0.0;',
      `  ${loop('k', K)} acc += (double)ab[i * ${K} + k] * bb[k * ${N} + j];`,
      '  float v = (float)acc;',
      ...ctx.epilogue('v', 'j').map((s) => `  ${s}`),
      `  yb[i * ${N} + j] = v;`,
      '}',
      ...bl.close,
    ];
  },
};

export const MATMUL_EMITTERS: Record<string, CEmitter> = { Gemm: gemm, MatMul: matmul };
