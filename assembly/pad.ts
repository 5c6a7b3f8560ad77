// Zero-padded copies of NCHW planes into a scratch buffer, so the convolution inner loops
// need no bounds checks. The copy and the fill go 4 floats at a time.

export function zeroFill(dst: usize, n: i32): void {
  let i = 0;
  const z = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

export function copyRow(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Copies `planes` HxW planes into Hp x Wp planes with ph rows / pw columns of zeros before. */
export function padPlanes(src: usize, planes: i32, H: i32, W: i32, ph: i32, pw: i32, Hp: i32, Wp: i32, dst: usize): void {
  for (let c = 0; c < planes; c++) {
    const s = src + (<usize>(c * H * W) << 2);
    const d = dst + (<usize>(c * Hp * Wp) << 2);
    zeroFill(d, ph * Wp);
    for (let y = 0; y < H; y++) {
      const row = d + (<usize>((y + ph) * Wp) << 2);
      zeroFill(row, pw);
      copyRow(row + (<usize>pw << 2), s + (<usize>(y * W) << 2), W);
      zeroFill(row + (<usize>(pw + W) << 2), Wp - pw - W);
    }
    zeroFill(d + (<usize>((H + ph) * Wp) << 2), (Hp - H - ph) * Wp);
  }
}
