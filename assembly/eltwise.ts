// Element-wise kernels, 4 floats at a time: activation, add, mul (with an optional
// scalar/broadcast operand) and batch-norm inference, each with a fused activation.
import { actVec, actScalar, actRange } from './common';

/** y[i] = act(x[i]) for i in [0, n); x may equal y. */
export function activation(x: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  if (x != y) memory.copy(y, x, <usize>n << 2);
  actRange(y, n, act, alpha);
}

/** y = act(a + b) over n floats. */
export function add(a: usize, b: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, actVec(f32x4.add(v128.load(a + o), v128.load(b + o)), act, alpha));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, actScalar(load<f32>(a + o) + load<f32>(b + o), act, alpha));
  }
}

export function mul(a: usize, b: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, actVec(f32x4.mul(v128.load(a + o), v128.load(b + o)), act, alpha));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, actScalar(load<f32>(a + o) * load<f32>(b + o), act, alpha));
  }
}

/** y[i] = act(x[i] * s + t) for one plane of n floats. */
function affinePlane(x: usize, y: usize, n: i32, s: f32, t: f32, act: i32, alpha: f32): void {
  const sv = f32x4.splat(s), tv = f32x4.splat(t);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, actVec(f32x4.add(f32x4.mul(v128.load(x + o), sv), tv), act, alpha));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, actScalar(load<f32>(x + o) * s + t, act, alpha));
  }
}

/** Batch-norm inference over planes [p0, p1) of an [N, C, HW] tensor. */
export function batchNorm(x: usize, y: usize, C: i32, HW: i32, gamma: usize, beta: usize,
  mean: usize, variance: usize, eps: f32, act: i32, alpha: f32, p0: i32, p1: i32): void {
  for (let q = p0; q < p1; q++) {
    const c = <usize>(q % C) << 2;
    const s = load<f32>(gamma + c) / Mathf.sqrt(load<f32>(variance + c) + eps);
    const t = load<f32>(beta + c) - load<f32>(mean + c) * s;
    const o = <usize>(q * HW) << 2;
    affinePlane(x + o, y + o, HW, s, t, act, alpha);
  }
}

/** y[n, c, :] = act(x[n, c, :] * scale[c] + shift[c]) over planes [p0, p1) (per-channel affine / bias add). */
export function channelAffine(x: usize, y: usize, C: i32, HW: i32, scale: usize, shift: usize,
  act: i32, alpha: f32, p0: i32, p1: i32): void {
  for (let q = p0; q < p1; q++) {
    const c = <usize>(q % C) << 2;
    const s: f32 = scale != 0 ? load<f32>(scale + c) : 1;
    const t: f32 = shift != 0 ? load<f32>(shift + c) : 0;
    const o = <usize>(q * HW) << 2;
    affinePlane(x + o, y + o, HW, s, t, act, alpha);
  }
}
