// Gradients of Gemm (transA/transB, alpha, beta, broadcast C) and 2-D MatMul.
import { BwvmError } from '../../../util/errors.js';
import { broadcastIndex } from '../../reference/kernels/elementwise.js';
import { f32, type GradCtx, type GradRow } from '../grad.js';

/** Sum dy (shape outShape) into the broadcast input shape. */
export function reduceTo(dy: Float32Array, inShape: number[], outShape: number[], scale = 1): Float32Array {
  const map = broadcastIndex(inShape, outShape);
  const out = new Float32Array(inShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < dy.length; i++) out[map[i]!] += scale * dy[i]!;
  return out;
}

function gemmGrad(c: GradCtx): (Float32Array | undefined)[] {
  const A = c.x[0]!, B = c.x[1]!, C = c.x[2];
  const tA = c.attr<number>('transA') === 1, tB = c.attr<number>('transB') === 1;
  const alpha = c.attr<number>('alpha'), beta = c.attr<number>('beta');
  const [M, N] = c.y[0]!.shape as [number, number];
  const K = tA ? A.shape[0]! : A.shape[1]!;
  const a = f32(A), b = f32(B), dy = c.dy;
  const opA = (i: number, k: number) => (tA ? a[k * M + i]! : a[i * K + k]!);
  const opB = (k: number, j: number) => (tB ? b[j * K + k]! : b[k * N + j]!);
  let da: Float32Array | undefined, db: Float32Array | undefined;
  if (c.need[0]) {
    da = c.alloc(a.length);
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += dy[i * N + j]! * opB(k, j);
      da[tA ? k * M + i : i * K + k] = alpha * s;
    }
  }
  if (c.need[1]) {
    db = c.alloc(b.length);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += opA(i, k) * dy[i * N + j]!;
      db[tB ? j * K + k : k * N + j] = alpha * s;
    }
  }
  const dc = C && c.need[2] ? reduceTo(dy, C.shape, [M, N], beta) : undefined;
  return [da, db, dc];
}

function matmulGrad(c: GradCtx): (Float32Array | undefined)[] {
  const A = c.x[0]!, B = c.x[1]!;
  if (A.shape.length !== 2 || B.shape.length !== 2) throw new BwvmError('TRAIN_UNSUPPORTED', `node '${c.node.name}': MatMul gradients are implemented for 2-D operands only`);
  const [M, K] = A.shape as [number, number];
  const N = B.shape[1]!;
  const a = f32(A), b = f32(B), dy = c.dy;
  let da: Float32Array | undefined, db: Float32Array | undefined;
  if (c.need[0]) {
    da = c.alloc(M * K);
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) { let s = 0; for (let j = 0; j < N; j++) s += dy[i * N + j]! * b[k * N + j]!; da[i * K + k] = s; }
  }
  if (c.need[1]) {
    db = c.alloc(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) { let s = 0; for (let i = 0; i < M; i++) s += a[i * K + k]! * dy[i * N + j]!; db[k * N + j] = s; }
  }
  return [da, db];
}

export const DENSE_GRADS: Record<string, GradRow> = {
  Gemm: { trainable: [1, 2], grad: gemmGrad },
  MatMul: { trainable: [1], grad: matmulGrad },
};
