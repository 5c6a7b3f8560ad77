// Training-only element-wise kernels (the fast engine's tape and gradients): ReLU gradient,
// batch-norm batch statistics and gradient sums per channel (f64 totals of f32x4 plane sums),
// a two-input per-channel affine y = a*sa[c] + b*sb[c] + t[c] (batch-norm's input gradient) and
// the 2x2 stride-2 max-pool gradient.

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

/**
 * MaxPool 2x2 stride 2 (no padding) gradient over planes [p0, p1) of x [.., H, W]: each window's dy goes
 * to its first maximum (row-major, as the forward picks it), every other dx word is 0 (dx written whole).
 */
export function maxPool2x2Grad(x: usize, dy: usize, dx: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32): void {
  const rowB = <usize>W << 2;
  for (let plane = p0; plane < p1; plane++) {
    const src = x + (<usize>(plane * H * W) << 2), dst = dx + (<usize>(plane * H * W) << 2);
    memory.fill(dst, 0, <usize>(H * W) << 2);
    let g = dy + (<usize>(plane * OH * OW) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const r0 = <usize>(2 * oy) * rowB, r1 = r0 + rowB;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const o = <usize>ox << 3;
        const u0 = v128.load(src + r0 + o), u1 = v128.load(src + r0 + o, 16), w0 = v128.load(src + r1 + o), w1 = v128.load(src + r1 + o, 16);
        const a = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6), b = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
        const c = v128.shuffle<f32>(w0, w1, 0, 2, 4, 6), d = v128.shuffle<f32>(w0, w1, 1, 3, 5, 7);
        // first maximum: a later tap wins only when strictly greater
        const gb = f32x4.gt(b, a);
        let m = v128.bitselect(b, a, gb);
        const gc = f32x4.gt(c, m);
        m = v128.bitselect(c, m, gc);
        const gd = f32x4.gt(d, m);
        // one-hot masks: d if gd; c if gc and not gd; b if gb and not (gc or gd); a otherwise
        const isD = gd, isC = v128.andnot(gc, gd), isB = v128.andnot(gb, v128.or(gc, gd)), isA = v128.not(v128.or(gb, v128.or(gc, gd)));
        const dv = v128.load(g + (<usize>ox << 2));
        const da = v128.and(dv, isA), db = v128.and(dv, isB), dc = v128.and(dv, isC), dd = v128.and(dv, isD);
        v128.store(dst + r0 + o, v128.shuffle<f32>(da, db, 0, 4, 1, 5));
        v128.store(dst + r0 + o, v128.shuffle<f32>(da, db, 2, 6, 3, 7), 16);
        v128.store(dst + r1 + o, v128.shuffle<f32>(dc, dd, 0, 4, 1, 5));
        v128.store(dst + r1 + o, v128.shuffle<f32>(dc, dd, 2, 6, 3, 7), 16);
      }
      for (; ox < OW; ox++) {
        const i0 = r0 + (<usize>ox << 3), i2 = r1 + (<usize>ox << 3);
        let arg = i0, best = load<f32>(src + i0);
        if (load<f32>(src + i0 + 4) > best) { best = load<f32>(src + i0 + 4); arg = i0 + 4; }
        if (load<f32>(src + i2) > best) { best = load<f32>(src + i2); arg = i2; }
        if (load<f32>(src + i2 + 4) > best) arg = i2 + 4;
        store<f32>(dst + arg, load<f32>(g + (<usize>ox << 2)));
      }
      g += <usize>OW << 2;
    }
  }
}
