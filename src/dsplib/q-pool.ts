// Integer pooling on int32 words (one int8/int16 value per word, NCHW, N = 1), bit-exact with
// bwDNN's integer MaxPool and GlobalAveragePool. qmaxpool: k x k windows, stride s, no padding;
// macro j takes output column ox + j (lane stride s); there is no integer max instruction, so each
// value is biased by 2^30 + 2^15 (a positive normal fp32 bit pattern, ordered like the integers) and
// reduced with the fp32 max, then unbiased: exact, 2 ops per tap. qgap: per channel the four macros sum
// a quarter of the plane each, `isum` joins them, then zp_y + rndsh((sum - count*zx) * M0, n) (16-bit
// limbs of M0 when |sum| <= 65535, else the exact 64-bit product from 16-bit limbs of both).
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { afterPlaced, checkBits, ConstRegs, qClampOps, qop, qRange, qRequant16, qRequant32, split16 } from './q-common.js';
import { type Op, schedule } from './schedule.js';

export interface QMaxPoolShape { C: number; H: number; W: number; k: number; stride: number; bits: 8 | 16 }
export interface QGapShape {
  C: number; H: number; W: number; bits: 8 | 16;
  /** Input / output zero points, the multiplier s_x / (s_y * H * W) and the output clamp. */
  zx: number; zy: number; m: { m0: number; shift: number }; lo: number; hi: number;
}

const SET = 2, CONST0 = 56;
/** Bias making every int16 value a positive normal fp32 bit pattern (0x40008000 + v). */
const BIAS = 2 ** 30 + 2 ** 15;

const finish = (name: string, what: string, placed: ReturnType<typeof placeTensors>, c: ConstRegs, code: string[], t: TargetDesc): string =>
  [`// ${what} on ${t.name}`, ...dataSection(placed), ...c.data(afterPlaced(placed)), '.text', 'main:',
    ...[...c.load(), ...code].map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n').replace('// ', `// ${name}: `);

/** Max pooling over integer words. */
export function qmaxpool(sh: QMaxPoolShape, t: TargetDesc): DspKernel {
  const { C, H, W, k, stride: s } = sh;
  checkBits(sh.bits, 'qmaxpool');
  if (![C, H, W, k, s].every((v) => Number.isInteger(v) && v > 0) || k > H || k > W || s > 7) {
    throw new BwvmError('DSPLIB_SHAPE', `qmaxpool: need positive C, H, W, k <= H, W and stride 1..7 (got C=${C} ${H}x${W} k=${k} s=${s})`);
  }
  const OH = Math.floor((H - k) / s) + 1, OW = Math.floor((W - k) / s) + 1, kk = k * k;
  const what = `qmaxpool C=${C} ${H}x${W} k=${k} stride ${s} int${sh.bits}`;
  const placed = placeTensors([{ name: 'x', words: C * H * W }, { name: 'y', words: C * OH * OW }], t, what);
  const at = (n: string) => placed.find((p) => p.name === n)!;
  const c = new ConstRegs(CONST0);
  const bias = c.reg(BIAS), unbias = c.reg(-BIAS);
  const b = new OpBuilder(t);
  const sx = [b.stream(0, at('x').addr, 0), b.stream(2, at('x').addr, 0)], sy = b.stream(1, at('y').addr, 0);
  const ops: Op[] = [];
  const sets = Math.floor(CONST0 / SET);
  let item = 0, nl = 0;
  // one output row per loop iteration
  for (let ox = 0; ox < OW; ox += 4) {
    const lanes = Math.min(4, OW - ox), mask = 'xyzt'.slice(0, lanes);
    const base = SET * (item % sets), m = base, v = base + 1, pr = 4 * item++;
    for (let i = 0; i < kk; i++) {
      const ky = Math.floor(i / k), kx = i % k;
      ops.push(b.loadOp(sx[nl++ % 2]!, ky * W + ox * s + kx, mask, lanes > 1 ? s : 0, { p: i === 0 ? m : v }, pr));
      if (i === 0) { ops.push(qop('iadd2', m, m, bias, pr + 1)); continue; }
      ops.push(qop('iadd2', v, v, bias, pr + 1), { kind: 'fmac', op: 'max2', acc: m, a: { p: m }, b: { p: v }, prio: pr + 1 });
    }
    ops.push(qop('iadd2', m, m, unbias, pr + 2), b.storeOp(sy, ox, mask, lanes > 1 ? 1 : 0, { p: m }, pr + 3));
  }
  const [body] = resolveIncrements([ops], 3, [s * W, s * W, OW]);
  const lines = schedule(body!, b.streams, [], t, 64, c.regs);
  const names = ['x', 'x', 'y'];
  const code = emitNest([C, OH], b.streams.map((st, i) => ({ ...st, base: `${names[i]}+0`, steps: i === 2 ? [OH * OW, OW] : [H * W, s * W] })), { head: lines, tail: [] }, t);
  return {
    name: 'qmaxpool', dtype: sh.bits === 8 ? 'i8' : 'i16', asm: finish('qmaxpool', what, placed, c, code, t), flops: C * OH * OW * kk, description: what,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW, one int32 word per value' }], outputs: [{ symbol: 'y', shape: [1, C, OH, OW], layout: 'NCHW, one int32 word per value' }],
    params: { OH, OW, staticLines: staticLines(code) },
  };
}

/** Global average pooling over integer words: one value per channel. */
export function qgap(sh: QGapShape, t: TargetDesc): DspKernel {
  const { C, H, W } = sh;
  checkBits(sh.bits, 'qgap');
  if (![C, H, W].every((v) => Number.isInteger(v) && v > 0)) throw new BwvmError('DSPLIB_SHAPE', `qgap: need positive C, H, W (got C=${C} ${H}x${W})`);
  const HW = H * W, [lo0, hi0] = qRange(sh.bits);
  // |sum - HW*zx| <= 65535: the 16-bit requantization (any shift 17..47); larger sums: the 32-bit one (shift 33..63)
  const small = HW * (hi0 - lo0) <= 65535;
  if (HW * (hi0 - lo0) >= 2 ** 31) throw new BwvmError('DSPLIB_SHAPE', `qgap: a ${H}x${W} plane can sum past int32`, { hint: 'split the plane' });
  const sm = small ? split16(sh.m, 'qgap') : undefined;
  const what = `qgap C=${C} ${H}x${W} int${sh.bits}`;
  const placed = placeTensors([{ name: 'x', words: C * HW }, { name: 'y', words: C }], t, what);
  const at = (n: string) => placed.find((p) => p.name === n)!;
  const c = new ConstRegs(48);
  const lo = Math.max(lo0, sh.lo), hi = Math.min(hi0, sh.hi);
  const quads = Math.floor(HW / 4), rest = HW % 4, G = Math.max(1, Math.min(C, 8, Math.floor(160 / (quads + 1)))), sets = Math.floor(48 / 8);
  const segment = (g: number): { lines: string[]; b: OpBuilder } => {
    const b = new OpBuilder(t);
    const sx = [b.stream(0, at('x').addr, 0), b.stream(2, at('x').addr, 0)], sy = b.stream(1, at('y').addr, 0);
    const ops: Op[] = [];
    let nl = 0;
    for (let ch = 0; ch < g; ch++) {
      const base = 8 * (ch % sets), acc = base, v = base + 1, sum = base + 2, y = base + 3, tmp = base + 4, pr = 8 * ch;
      const terms = quads + (rest ? 1 : 0);
      for (let q = 0; q < terms; q++) {
        const dst = q === 0 ? acc : v;
        if (q === quads) { // partial quad: the other lanes hold 0
          ops.push(qop('mov', dst, c.reg(0), c.reg(0), pr));
          ops.push(b.loadOp(sx[nl++ % 2]!, ch * HW + 4 * q, 'xyzt'.slice(0, rest), rest > 1 ? 1 : 0, { p: dst }, pr));
        } else ops.push(b.loadOp(sx[nl++ % 2]!, ch * HW + 4 * q, 'xyzt', 1, { p: dst }, pr));
        if (q > 0) ops.push(qop('iadd2', acc, acc, v, pr + 1));
      }
      ops.push({ kind: 'fmac', op: 'isumx', acc: sum, a: { p: acc }, b: { p: acc }, prio: pr + 2 });
      ops.push(qop('iadd2', sum, sum, c.reg(-HW * sh.zx), pr + 2), ...(sm ? qRequant16(sum, y, tmp, sm, c, pr + 2) : qRequant32(sum, y, [tmp, base + 5, base + 6, base + 7], sh.m, HW * (hi0 - lo0), c, pr + 2, 'qgap')),
        qop('adds2', y, y, c.reg(sh.zy), pr + 2), qop(sh.bits === 8 ? 'sat8' : 'sat16', y, y, y, pr + 2),
        ...(lo > lo0 || hi < hi0 ? qClampOps(y, lo, hi, c, pr + 2) : []));
      ops.push(b.storeOp(sy, ch, 'x', 0, { p: y }, pr + 3));
    }
    const [body] = resolveIncrements([ops], 3, [g * HW, g * HW, g]);
    return { lines: schedule(body!, b.streams, [], t, 64, c.regs), b };
  };
  const code: string[] = [];
  const names = ['x', 'x', 'y'];
  const full = Math.floor(C / G), left = C % G;
  for (const [g, count, ch0] of [[G, full, 0], [left, 1, full * G]] as const) {
    if (!g || !count) continue;
    const seg = segment(g);
    code.push(...emitNest([count], seg.b.streams.map((st, i) => ({ ...st, base: `${names[i]}+${i === 2 ? ch0 : ch0 * HW}`, steps: [i === 2 ? g : g * HW] })), { head: seg.lines, tail: [] }, t));
  }
  return {
    name: 'qgap', dtype: sh.bits === 8 ? 'i8' : 'i16', asm: finish('qgap', what, placed, c, code, t), flops: C * HW, description: what,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW, one int32 word per value' }], outputs: [{ symbol: 'y', shape: [1, C, 1, 1], layout: 'one int32 word per channel' }],
    params: { staticLines: staticLines(code) },
  };
}
