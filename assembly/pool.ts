// Max and average pooling over NCHW planes with kernel, stride, padding and dilation.
// Padded taps are skipped (max) or excluded from the divisor unless countIncludePad.
// Params: [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, mode(0 max, 1 avg), includePad, pb, pr].
// With includePad the divisor is the window clipped to the padded input (ONNX / PyTorch rule).
// 2x2 stride-2 unpadded max pooling (VGG's) takes a SIMD path: 4 outputs from 2x8 inputs.

// @ts-ignore: decorator
@inline function q(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

export function pool2d(p: usize, x: usize, y: usize, p0: i32, p1: i32): void {
  const H = q(p, 2), W = q(p, 3), kh = q(p, 4), kw = q(p, 5), sh = q(p, 6), sw = q(p, 7);
  const ph = q(p, 8), pw = q(p, 9), dh = q(p, 10), dw = q(p, 11), OH = q(p, 12), OW = q(p, 13);
  const isAvg = q(p, 14) == 1, includePad = q(p, 15) != 0, pb = q(p, 16), pr = q(p, 17);
  if (!isAvg && kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1 && 2 * OH <= H && 2 * OW <= W) {
    max2x2(x, y, H, W, OH, OW, p0, p1);
    return;
  }
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

/** 2x2 stride-2 max over planes [p0, p1): vertical max of two rows, then of lane pairs. */
function max2x2(x: usize, y: usize, H: i32, W: i32, OH: i32, OW: i32, p0: i32, p1: i32): void {
  const rowB = <usize>W << 2;
  for (let plane = p0; plane < p1; plane++) {
    const src = x + (<usize>(plane * H * W) << 2);
    let dst = y + (<usize>(plane * OH * OW) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const r0 = src + <usize>(2 * oy) * rowB, r1 = r0 + rowB;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const o = <usize>ox << 3;
        const a = f32x4.max(v128.load(r0 + o), v128.load(r1 + o));
        const b = f32x4.max(v128.load(r0 + o, 16), v128.load(r1 + o, 16));
        v128.store(dst + (<usize>ox << 2), f32x4.max(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7)));
      }
      for (; ox < OW; ox++) {
        const o = <usize>ox << 3;
        store<f32>(dst + (<usize>ox << 2), max(max(load<f32>(r0 + o), load<f32>(r0 + o, 4)), max(load<f32>(r1 + o), load<f32>(r1 + o, 4))));
      }
      dst += <usize>OW << 2;
    }
  }
}
