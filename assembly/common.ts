// Shared SIMD helpers for the bwDNN kernels: fused multiply-add that compiles to
// f32x4.relaxed_madd in the relaxed build and mul+add in the plain build, and the
// activation table (codes shared with src/bwdnn/kernels/activation-codes.ts).

export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU6: i32 = 2;
export const ACT_LEAKY: i32 = 3;
export const ACT_SIGMOID: i32 = 4;
export const ACT_TANH: i32 = 5;
export const ACT_HARDSWISH: i32 = 6;

/** a*b + c; one fused instruction in the relaxed build. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Whether this build uses relaxed SIMD (exported by index.ts). */
export function isRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

export function actScalar(x: f32, act: i32, alpha: f32): f32 {
  if (act == ACT_RELU) return x > 0 ? x : 0;
  if (act == ACT_RELU6) return x < 0 ? 0 : (x > 6 ? 6 : x);
  if (act == ACT_LEAKY) return x >= 0 ? x : x * alpha;
  if (act == ACT_SIGMOID) return 1.0 / (1.0 + Mathf.exp(-x));
  if (act == ACT_TANH) {
    // tanh(x) = 1 - 2/(exp(2x)+1), clamped to avoid overflow
    if (x > 15) return 1;
    if (x < -15) return -1;
    const e = Mathf.exp(2 * x);
    return (e - 1) / (e + 1);
  }
  if (act == ACT_HARDSWISH) {
    let t = x + 3;
    t = t < 0 ? 0 : (t > 6 ? 6 : t);
    return x * t * (1.0 / 6.0);
  }
  return x;
}

/** Vector activation for the cheap codes; the transcendental ones go lane by lane. */
// @ts-ignore: decorator
@inline export function actVec(v: v128, act: i32, alpha: f32): v128 {
  if (act == ACT_NONE) return v;
  if (act == ACT_RELU) return f32x4.max(v, f32x4.splat(0));
  if (act == ACT_RELU6) return f32x4.min(f32x4.max(v, f32x4.splat(0)), f32x4.splat(6));
  if (act == ACT_LEAKY) {
    const neg = f32x4.mul(v, f32x4.splat(alpha));
    return v128.bitselect(v, neg, f32x4.ge(v, f32x4.splat(0)));
  }
  if (act == ACT_HARDSWISH) {
    const t = f32x4.min(f32x4.max(f32x4.add(v, f32x4.splat(3)), f32x4.splat(0)), f32x4.splat(6));
    return f32x4.mul(f32x4.mul(v, t), f32x4.splat(1.0 / 6.0));
  }
  let r = v;
  r = f32x4.replace_lane(r, 0, actScalar(f32x4.extract_lane(v, 0), act, alpha));
  r = f32x4.replace_lane(r, 1, actScalar(f32x4.extract_lane(v, 1), act, alpha));
  r = f32x4.replace_lane(r, 2, actScalar(f32x4.extract_lane(v, 2), act, alpha));
  r = f32x4.replace_lane(r, 3, actScalar(f32x4.extract_lane(v, 3), act, alpha));
  return r;
}

/** In-place activation over n floats at p. */
export function actRange(p: usize, n: i32, act: i32, alpha: f32): void {
  if (act == ACT_NONE) return;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = p + (<usize>i << 2);
    v128.store(q, actVec(v128.load(q), act, alpha));
  }
  for (; i < n; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, actScalar(load<f32>(q), act, alpha));
  }
}
