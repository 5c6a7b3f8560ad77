// On-DSP packing of integer activations for the MAC kernels: int32 words (one int8/int16 value
// per word, CHW) -> the lane-packed, zero-point-bordered scratch qconv reads ([Cw, Hpp, Wpp], 4 int8
// or 2 int16 channels per word, border = zp in every lane; the same words qconvPack builds on the
// host). A dense input (qdense, or qconv 1x1 for int16 Gemm) is the case C = K, H = W = 1.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { afterPlaced, checkBits, ConstRegs, qop, qRange } from './q-common.js';
import { type Op, schedule } from './schedule.js';

export interface QPackShape {
  C: number; H: number; W: number; bits: 8 | 16;
  /** Border width and the padded plane (qconv's params Hpp, Wpp; >= H + 2 pad, W + 2 pad). */
  pad: number; Hpp: number; Wpp: number;
  /** Input zero point: the border value. */
  zx: number;
}

const SET = 6, CONST0 = 54, FILL_QUADS = 32;

/** The packed word holding zp in every lane. */
export function packedZero(zx: number, bits: 8 | 16, lanes = bits === 8 ? 4 : 2): number {
  let w = 0;
  for (let l = 0; l < lanes; l++) w |= bits === 8 ? (zx & 0xff) << (8 * l) : (zx & 0xffff) << (16 * l);
  return w;
}

export function qpack(sh: QPackShape, t: TargetDesc): DspKernel {
  const { C, H, W, pad, Hpp, Wpp, bits } = sh;
  checkBits(bits, 'qpack');
  if (![C, H, W].every((v) => Number.isInteger(v) && v > 0) || !Number.isInteger(pad) || pad < 0 || Hpp < H + 2 * pad || Wpp < W + 2 * pad) {
    throw new BwvmError('DSPLIB_SHAPE', `qpack: need positive C, H, W, pad >= 0 and a padded plane of at least ${H + 2 * pad}x${W + 2 * pad} (got ${Hpp}x${Wpp})`);
  }
  const [lo, hi] = qRange(bits);
  if (!(Number.isInteger(sh.zx) && sh.zx >= lo && sh.zx <= hi)) throw new BwvmError('DSPLIB_SHAPE', `qpack: zero point ${sh.zx} outside the int${bits} range`);
  const L = bits === 8 ? 4 : 2, Cw = Math.ceil(C / L), HW = H * W;
  const what = `qpack C=${C} ${H}x${W} -> ${Cw}x${Hpp}x${Wpp} pad ${pad} int${bits}`;
  const placed = placeTensors([{ name: 'x', words: C * HW }, { name: 'y', words: Cw * Hpp * Wpp }], t, what);
  const at = (n: string) => placed.find((p) => p.name === n)!;
  const c = new ConstRegs(CONST0);
  const code: string[] = [];
  // 1. the border (and any block-grid overhang) holds zp in the lane of every real channel (lanes
  // past C hold 0, as qconvPack's): fill the whole scratch, the last partial channel word apart
  const plane = Hpp * Wpp, full = Math.floor(C / L), part = C % L;
  const fillRange = (from: number, words: number, zw: number): void => {
    const fill = (nq: number, lanes: number, count: number, start: number): void => {
      if (!count || nq + lanes === 0) return;
      const b = new OpBuilder(t);
      const s = [b.stream(1, at('y').addr, 0), b.stream(2, at('y').addr, 0)];
      const ops: Op[] = [];
      for (let i = 0; i < nq + lanes; i++) {
        const quad = i < nq;
        ops.push(b.storeOp(s[i % 2]!, quad ? 4 * i : 4 * nq + (i - nq), quad ? 'xyzt' : 'x', quad ? 1 : 0, { p: zw }, i));
      }
      const [body] = resolveIncrements([ops], 2, [4 * nq + lanes, 4 * nq + lanes]);
      code.push(...emitNest([count], b.streams.map((st) => ({ ...st, base: `y+${start}`, steps: [4 * nq + lanes] })), { head: schedule(body!, b.streams, [], t, 64, c.regs), tail: [] }, t));
    };
    const quads = Math.floor(words / 4), chunks = Math.floor(quads / FILL_QUADS);
    fill(FILL_QUADS, 0, chunks, from);
    fill(quads - chunks * FILL_QUADS, words % 4, 1, from + 4 * chunks * FILL_QUADS);
  };
  if (pad > 0 || Hpp > H || Wpp > W) {
    if (full) fillRange(0, full * plane, c.reg(packedZero(sh.zx, bits)));
    if (part) fillRange(full * plane, plane, c.reg(packedZero(sh.zx, bits, part)));
  }
  // 2. the interior, one input row of one channel word per loop iteration
  const mask8 = bits === 8 ? c.reg(0xff) : c.reg(0xffff);
  const rows = (lanesUsed: number, count: number, cw0: number): void => {
    if (!count) return;
    const b = new OpBuilder(t);
    const src = Array.from({ length: lanesUsed }, (_, l) => b.stream(l % 2 === 0 ? 0 : 2, at('x').addr, (cw0 * L + l) * HW));
    const dst = b.stream(1, at('y').addr, (cw0 * Hpp + pad) * Wpp + pad);
    const ops: Op[] = [];
    const sets = Math.floor(CONST0 / SET);
    let item = 0;
    for (let w0 = 0; w0 < W; w0 += 4) {
      const n = Math.min(4, W - w0), mask = 'xyzt'.slice(0, n), st = n > 1 ? 1 : 0;
      const base = SET * (item % sets), r = base + 4, tmp = base + 5, pr = 4 * item++;
      src.forEach((s, l) => ops.push(b.loadOp(s, w0, mask, st, { p: base + l }, pr)));
      if (bits === 16 && lanesUsed === 2) ops.push(qop('pack16', r, base, base + 1, pr + 1));
      else {
        ops.push(qop('and2', r, base, mask8, pr + 1));
        for (let l = 1; l < lanesUsed; l++) {
          if (l === 3) ops.push(qop('shl2', tmp, base + l, c.reg(24), pr + 1)); // the top lane: the shift drops the sign bits
          else ops.push(qop('and2', tmp, base + l, mask8, pr + 1), qop('shl2', tmp, tmp, c.reg(8 * l), pr + 1));
          ops.push(qop('or2', r, r, tmp, pr + 1));
        }
      }
      ops.push(b.storeOp(dst, w0, mask, st, { p: r }, pr + 2));
    }
    const [body] = resolveIncrements([ops], b.streams.length, b.streams.map((_, i) => (i === dst ? Wpp : W)));
    const lines = schedule(body!, b.streams, [], t, 64, c.regs);
    code.push(...emitNest([count, H], b.streams.map((s, i) => ({ ...s, base: i === dst ? `y+${s.start}` : `x+${s.start}`, steps: i === dst ? [Hpp * Wpp, Wpp] : [L * HW, W] })), { head: lines, tail: [] }, t));
  };
  rows(L, full, 0);
  rows(part, part ? 1 : 0, full);
  const asm = [`// ${what} on ${t.name}`, ...dataSection(placed), ...c.data(afterPlaced(placed)), '.text', 'main:',
    ...[...c.load(), ...code].map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'qpack', dtype: bits === 8 ? 'i8' : 'i16', asm, flops: 0, description: what,
    inputs: [{ symbol: 'x', shape: [C, H, W], layout: 'CHW, one int32 word per value' }],
    outputs: [{ symbol: 'y', shape: [Cw, Hpp, Wpp], layout: `packed ${L} int${bits} channels per word, border = zero point (as qconvPack)` }],
    params: { Cw, staticLines: staticLines(code) },
  };
}
