// Training-only element-wise kernels (the fast engine's tape and gradients): ReLU gradient,
// batch-norm batch statistics and gradient sums per channel (f64 totals of f32x4 plane sums),
// and a two-input per-channel affine y = a*sa[c] + b*sb[c] + t[c] (batch-norm's input gradient).

/** dx[i] = x[i] > 0 ? dy[i] : 0 over [0, n) (x: the Relu input). */
export function reluGrad(x: usize, dy: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(x + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/** Sum of one plane of n floats (f32x4 partial sums, totalled in f64). */
function planeSum(p: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, v128.load(p + (<usize>i << 2)));
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** Sum of (p[i] - m)^2 over one plane. */
function planeSqDev(p: usize, n: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const d = f32x4.sub(v128.load(p + (<usize>i << 2)), mv); acc = f32x4.add(acc, f32x4.mul(d, d)); }
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) { const d = <f64>load<f32>(p + (<usize>i << 2)) - <f64>m; s += d * d; }
  return s;
}

/** Sum of a[i]*b[i] over one plane. */
function planeDot(a: usize, b: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; acc = f32x4.add(acc, f32x4.mul(v128.load(a + o), v128.load(b + o))); }
  let s: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) { const o = <usize>i << 2; s += <f64>load<f32>(a + o) * <f64>load<f32>(b + o); }
  return s;
}

/** Per channel c in [c0, c1) of x [N, C, HW]: out[2c] = mean, out[2c+1] = sum of squared deviations (f64). */
export function bnStats(x: usize, N: i32, C: i32, HW: i32, out: usize, c0: i32, c1: i32): void {
  const M = <f64>N * <f64>HW;
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += planeSum(x + (<usize>((n * C + c) * HW) << 2), HW);
    const mean = s / M;
    let ss: f64 = 0;
    for (let n = 0; n < N; n++) ss += planeSqDev(x + (<usize>((n * C + c) * HW) << 2), HW, <f32>mean);
    store<f64>(out + (<usize>c << 4), mean);
    store<f64>(out + (<usize>c << 4) + 8, ss);
  }
}

/** Per channel c in [c0, c1): out[2c] = sum dy, out[2c+1] = sum dy*xhat (f64). */
export function bnGradSums(dy: usize, xhat: usize, N: i32, C: i32, HW: i32, out: usize, c0: i32, c1: i32): void {
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0, sx: f64 = 0;
    for (let n = 0; n < N; n++) {
      const o = <usize>((n * C + c) * HW) << 2;
      s += planeSum(dy + o, HW);
      sx += planeDot(dy + o, xhat + o, HW);
    }
    store<f64>(out + (<usize>c << 4), s);
    store<f64>(out + (<usize>c << 4) + 8, sx);
  }
}

/** y[n, c, :] = a[n, c, :] * sa[c] + b[n, c, :] * sb[c] + t[c] over planes [p0, p1). */
export function affine2(a: usize, b: usize, y: usize, C: i32, HW: i32, sa: usize, sb: usize, t: usize, p0: i32, p1: i32): void {
  for (let q = p0; q < p1; q++) {
    const c = <usize>(q % C) << 2;
    const av = load<f32>(sa + c), bv = load<f32>(sb + c), tv = load<f32>(t + c);
    const A = f32x4.splat(av), B = f32x4.splat(bv), T = f32x4.splat(tv);
    const base = <usize>(q * HW) << 2;
    let i = 0;
    for (; i + 4 <= HW; i += 4) {
      const o = base + (<usize>i << 2);
      v128.store(y + o, f32x4.add(f32x4.add(f32x4.mul(v128.load(a + o), A), f32x4.mul(v128.load(b + o), B)), T));
    }
    for (; i < HW; i++) {
      const o = base + (<usize>i << 2);
      store<f32>(y + o, load<f32>(a + o) * av + load<f32>(b + o) * bv + tv);
    }
  }
}
