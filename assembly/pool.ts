// Max and average pooling over NCHW planes with kernel, stride, padding and dilation.
// Padded taps are skipped (max) or excluded from the divisor unless countIncludePad.
// Params: [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, mode(0 max, 1 avg), includePad, pb, pr].
// With includePad the divisor is the window clipped to the padded input (ONNX / PyTorch rule).

// @ts-ignore: decorator
@inline function q(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

export function pool2d(p: usize, x: usize, y: usize, p0: i32, p1: i32): void {
  const H = q(p, 2), W = q(p, 3), kh = q(p, 4), kw = q(p, 5), sh = q(p, 6), sw = q(p, 7);
  const ph = q(p, 8), pw = q(p, 9), dh = q(p, 10), dw = q(p, 11), OH = q(p, 12), OW = q(p, 13);
  const isAvg = q(p, 14) == 1, includePad = q(p, 15) != 0, pb = q(p, 16), pr = q(p, 17);
  for (let plane = p0; plane < p1; plane++) {
    const src = x + (<usize>(plane * H * W) << 2);
    const dst = y + (<usize>(plane * OH * OW) << 2);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let acc: f32 = isAvg ? 0 : -Infinity;
        let count = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= H) continue;
          const row = src + (<usize>(iy * W) << 2);
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix < 0 || ix >= W) continue;
            const v = load<f32>(row + (<usize>ix << 2));
            if (isAvg) acc += v; else acc = max(acc, v);
            count++;
          }
        }
        if (isAvg) {
          const hs = oy * sh - ph, ws = ox * sw - pw;
          const div = includePad ? (min(hs + kh, H + pb) - hs) * (min(ws + kw, W + pr) - ws) : count;
          acc = div > 0 ? acc / <f32>div : 0;
        }
        store<f32>(dst + (<usize>(oy * OW + ox) << 2), acc);
      }
    }
  }
}
