// Reference kernels: Gemm (transA/transB, alpha, beta, broadcast C), MatMul (batched, numpy
// broadcasting, 1-D promotion), BatchNormalization and InstanceNormalization (inference).
import { allocOut, type Kernel } from '../kernel.js';
import type { Tensor } from '../../../ir/types.js';
import { broadcastIndex } from './elementwise.js';

const gemm: Kernel = (x, ctx) => {
  const A = x[0]!, B = x[1]!, C = x[2];
  const tA = ctx.attr<number>('transA') === 1, tB = ctx.attr<number>('transB') === 1;
  const alpha = ctx.attr<number>('alpha'), beta = ctx.attr<number>('beta');
  const y = allocOut(ctx);
  const [M, N] = y.shape as [number, number];
  const K = tA ? A.shape[0]! : A.shape[1]!;
  const a = A.data as Float32Array, b = B.data as Float32Array, o = y.data as Float32Array;
  const cIdx = C ? broadcastIndex(C.shape, [M, N]) : undefined;
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc = 0;
    for (let k = 0; k < K; k++) acc += (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!);
    o[i * N + j] = alpha * acc + (C ? beta * (C.data as Float32Array)[cIdx![i * N + j]!]! : 0);
  }
  return [y];
};

const matmul: Kernel = (x, ctx) => {
  const A = x[0]!, B = x[1]!;
  const As = A.shape.length === 1 ? [1, A.shape[0]!] : A.shape;
  const Bs = B.shape.length === 1 ? [B.shape[0]!, 1] : B.shape;
  const M = As[As.length - 2]!, K = As[As.length - 1]!, N = Bs[Bs.length - 1]!;
  const y = allocOut(ctx);
  const batch = y.data.length / (M * N);
  const batchShape = [batch];
  // index of each output batch into A's and B's batch blocks
  const outBatch = y.shape.slice(0, Math.max(0, y.shape.length - (A.shape.length === 1 || B.shape.length === 1 ? 1 : 2)));
  const full = outBatch.length ? outBatch : batchShape.map(() => 1);
  const aIdx = broadcastIndex(As.slice(0, -2).length ? As.slice(0, -2) : [1], full);
  const bIdx = broadcastIndex(Bs.slice(0, -2).length ? Bs.slice(0, -2) : [1], full);
  // int64 operands (integer subgraphs of QDQ exports) as doubles: exact while |sums| < 2^53
  const num = (d: Tensor['data']) => (d instanceof BigInt64Array ? Float64Array.from(d, Number) : (d as Float32Array));
  const a = num(A.data), b = num(B.data), o = y.data instanceof BigInt64Array ? new Float64Array(y.data.length) : (y.data as Float32Array);
  for (let t = 0; t < batch; t++) {
    const ao = aIdx[t]! * M * K, bo = bIdx[t]! * K * N, oo = t * M * N;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a[ao + i * K + k]! * b[bo + k * N + j]!;
      o[oo + i * N + j] = acc;
    }
  }
  if (y.data instanceof BigInt64Array) for (let i = 0; i < o.length; i++) y.data[i] = BigInt(o[i]!);
  return [y];
};

const batchNorm: Kernel = (x, ctx) => {
  const X = x[0]!;
  const [sc, bi, mu, va] = [x[1]!, x[2]!, x[3]!, x[4]!].map((t) => t.data as Float32Array);
  const eps = ctx.attr<number>('epsilon');
  const C = X.shape[1]!, inner = X.shape.slice(2).reduce((a, b) => a * b, 1);
  const y = allocOut(ctx);
  const xd = X.data as Float32Array, yd = y.data as Float32Array;
  for (let i = 0; i < xd.length; i++) {
    const c = Math.floor(i / inner) % C;
    yd[i] = (sc![c]! * (xd[i]! - mu![c]!)) / Math.sqrt(va![c]! + eps) + bi![c]!;
  }
  return [y];
};

const instanceNorm: Kernel = (x, ctx) => {
  const X = x[0]!, sc = x[1]!.data as Float32Array, bi = x[2]!.data as Float32Array;
  const eps = ctx.attr<number>('epsilon');
  const C = X.shape[1]!, inner = X.shape.slice(2).reduce((a, b) => a * b, 1);
  const y = allocOut(ctx);
  const xd = X.data as Float32Array, yd = y.data as Float32Array;
  for (let nc = 0; nc < xd.length / inner; nc++) {
    let mean = 0, v = 0;
    for (let j = 0; j < inner; j++) mean += xd[nc * inner + j]!;
    mean /= inner;
    for (let j = 0; j < inner; j++) v += (xd[nc * inner + j]! - mean) ** 2;
    v /= inner;
    const c = nc % C;
    for (let j = 0; j < inner; j++) yd[nc * inner + j] = (sc[c]! * (xd[nc * inner + j]! - mean)) / Math.sqrt(v + eps) + bi[c]!;
  }
  return [y];
};

export const MATMUL_KERNELS: Record<string, Kernel> = { Gemm: gemm, MatMul: matmul, BatchNormalization: batchNorm, InstanceNormalization: instanceNorm };
