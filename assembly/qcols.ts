// Operands of the fast engine's integer convolutions (qconv.ts, qconv16.ts): the parameter block's
// slots, the workspace layout, weights as int16 pairs per 4-channel block, zero-bordered int16
// planes of one image and group, and im2col columns with pairs of reduction taps interleaved (the
// operand order of i32x4.dot_i16x8_s).
import { pi, roundUp, P_C, P_H, P_W, P_COUT, P_KH, P_KW, P_SH, P_SW, P_PH, P_PW, P_DH, P_DW, P_GROUPS, P_OH, P_OW } from './params';

/** Parameter-block slots after the geometry: input and output zero points, output clamp. */
export const Q_ZX = 16; export const Q_ZY = 17; export const Q_LO = 18; export const Q_HI = 19;

export function kPairs(p: usize): i32 { return (pi(p, P_C) / pi(p, P_GROUPS) * pi(p, P_KH) * pi(p, P_KW) + 1) >> 1; }
export function blocks(p: usize): i32 { return (pi(p, P_COUT) / pi(p, P_GROUPS) + 3) >> 2; }
/** Pixel stride of a column row: the output pixels rounded up to the 8-pixel tile, plus 8 so that a
 * row's last 8-pixel store never reaches the next row. */
export function pixStride(p: usize): i32 { return roundUp(pi(p, P_OH) * pi(p, P_OW), 8) + 8; }
function planeH(p: usize): i32 { return max(pi(p, P_H) + pi(p, P_PH), (pi(p, P_OH) - 1) * pi(p, P_SH) + (pi(p, P_KH) - 1) * pi(p, P_DH) + 1); }
/** Padded row length: every window column, plus 8 for the last 8-wide load of a row. */
function planeW(p: usize): i32 { return max(pi(p, P_W) + pi(p, P_PW), (pi(p, P_OW) - 1) * pi(p, P_SW) + (pi(p, P_KW) - 1) * pi(p, P_DW) + 1) + 8; }
export function packedWeightBytes(p: usize): i32 { return pi(p, P_GROUPS) * blocks(p) * kPairs(p) * 16; }
export function colBytes(p: usize): i32 { return kPairs(p) * pixStride(p) * 4; }
export function planeBytes(p: usize): i32 { return roundUp(pi(p, P_C) / pi(p, P_GROUPS) * planeH(p) * planeW(p) * 2, 16); }

/** The current call's workspace regions (wasm globals: one set per instance, i.e. per thread). */
export let wsWeights: usize = 0;
export let wsCol: usize = 0;
export let wsPlane: usize = 0;
export let wsTmp: usize = 0;

/** Splits a call's workspace into its regions and packs the weights into the first. */
export function startCall(p: usize, w: usize, ws: usize): void {
  wsWeights = (ws + 15) & ~(<usize>15);
  wsCol = wsWeights + <usize>packedWeightBytes(p);
  wsPlane = wsCol + <usize>colBytes(p);
  wsTmp = wsPlane + <usize>planeBytes(p);
  packWeights(p, w, wsWeights);
}

/** Image n, group g into the column region (planes of x - sub, border `fill`; see padPlanes16). */
export function prepareColumns(p: usize, x: usize, n: i32, g: i32, sub: i32, fill: i32): void {
  padPlanes16(p, x, n, g, wsPlane, sub, fill);
  im2col(p, wsPlane, wsCol);
}

export function qconvWorkspaceBytes(p: usize): i32 {
  return packedWeightBytes(p) + colBytes(p) + planeBytes(p) + 128 + 64;
}

/** Weights [Cout][Cg*kh*kw] int32 -> [g][block][kpair][4 channels][2] int16 (zeros past the ends). */
export function packWeights(p: usize, w: usize, dst: usize): void {
  const G = pi(p, P_GROUPS), Mg = pi(p, P_COUT) / G, K = pi(p, P_C) / G * pi(p, P_KH) * pi(p, P_KW);
  const nb = blocks(p), kp = kPairs(p);
  let d = dst;
  for (let g = 0; g < G; g++)
    for (let b = 0; b < nb; b++)
      for (let k2 = 0; k2 < kp; k2++)
        for (let r = 0; r < 4; r++)
          for (let h = 0; h < 2; h++, d += 2) {
            const co = b * 4 + r, k = k2 * 2 + h;
            store<i16>(d, co < Mg && k < K ? <i16>load<i32>(w + (<usize>((g * Mg + co) * K + k) << 2)) : 0);
          }
}

/**
 * Image n, group g: bordered int16 planes of x - sub with `fill` in the border. The int8 kernel
 * passes sub = zp_x, fill = 0 (x - zp_x, and 0 = zp_x - zp_x outside); the int16 kernel passes
 * sub = 0, fill = zp_x (raw x, zp_x outside: its bias term subtracts zp_x * sum(w) once).
 */
export function padPlanes16(p: usize, x: usize, n: i32, g: i32, dst: usize, sub: i32, fill: i32): void {
  const C = pi(p, P_C), H = pi(p, P_H), W = pi(p, P_W), Cg = C / pi(p, P_GROUPS);
  const Hp = planeH(p), Wp = planeW(p), pt = pi(p, P_PH), pl = pi(p, P_PW);
  if (fill == 0) memory.fill(dst, 0, <usize>planeBytes(p));
  else {
    const v = i16x8.splat(<i16>fill);
    for (let o: usize = 0; o < <usize>planeBytes(p); o += 16) v128.store(dst + o, v);
  }
  for (let c = 0; c < Cg; c++) {
    const src = x + (<usize>((n * C + g * Cg + c) * H * W) << 2);
    for (let iy = 0; iy < H; iy++) {
      const s = src + (<usize>(iy * W) << 2), d = dst + (<usize>((c * Hp + iy + pt) * Wp + pl) << 1);
      for (let ix = 0; ix < W; ix++) store<i16>(d + (<usize>ix << 1), <i16>(load<i32>(s + (<usize>ix << 2)) - sub));
    }
  }
}

/** Start of window tap k's row for output row oy in the padded planes. */
// @ts-ignore: decorator
@inline function tapRow(p: usize, plane: usize, k: i32, oy: i32): usize {
  const kh = pi(p, P_KH), kw = pi(p, P_KW), c = k / (kh * kw), ky = (k / kw) % kh, kx = k % kw;
  return plane + (<usize>((c * planeH(p) + oy * pi(p, P_SH) + ky * pi(p, P_DH)) * planeW(p) + kx * pi(p, P_DW)) << 1);
}

/**
 * col[kpair][pixel][2] from the padded planes: taps 2j and 2j+1 interleaved (a missing last tap of
 * an odd count is 0). Stride 1: 8 pixels per step, two 8-wide loads zipped by shuffles; rows may
 * run past a row's end into the next row's pixels, which that row then overwrites.
 */
export function im2col(p: usize, plane: usize, col: usize): void {
  const K = pi(p, P_C) / pi(p, P_GROUPS) * pi(p, P_KH) * pi(p, P_KW), kp = kPairs(p);
  const OH = pi(p, P_OH), OW = pi(p, P_OW), sw = pi(p, P_SW), PS = pixStride(p);
  const zero = i32x4.splat(0);
  for (let j = 0; j < kp; j++) {
    const k0 = 2 * j, odd = k0 + 1 >= K;
    const rowOut = col + (<usize>(j * PS) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const ra = tapRow(p, plane, k0, oy), rb = odd ? 0 : tapRow(p, plane, k0 + 1, oy);
      let d = rowOut + (<usize>(oy * OW) << 2);
      if (sw == 1) {
        for (let ox = 0; ox < OW; ox += 8, d += 32) {
          const a = v128.load(ra + (<usize>ox << 1)), b = odd ? zero : v128.load(rb + (<usize>ox << 1));
          v128.store(d, i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
          v128.store(d, i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
        }
      } else {
        for (let ox = 0; ox < OW; ox++, d += 4) {
          const o = <usize>(ox * sw) << 1;
          store<i16>(d, load<i16>(ra + o));
          store<i16>(d, odd ? 0 : load<i16>(rb + o), 2);
        }
      }
    }
  }
}

/** The 8 accumulator vectors of a register tile, stored in order at tmp (128 bytes). */
// @ts-ignore: decorator
@inline export function spillTile(tmp: usize, a0: v128, a1: v128, e0: v128, e1: v128, f0: v128, f1: v128, h0: v128, h1: v128): void {
  v128.store(tmp, a0); v128.store(tmp, a1, 16); v128.store(tmp, e0, 32); v128.store(tmp, e1, 48);
  v128.store(tmp, f0, 64); v128.store(tmp, f1, 80); v128.store(tmp, h0, 96); v128.store(tmp, h1, 112);
}
