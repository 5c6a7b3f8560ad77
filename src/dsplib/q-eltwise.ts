// Element-wise integer kernels over n int32 words (one int8/int16 value per word), bit-exact with
// bwDNN's integer Relu/Clip (qclamp: a clamp in the quantized domain) and Add (qadd: each input
// rescaled to the output scale, y = sat(zp_y + rndsh((a-za)*Ma) + rndsh((b-zb)*Mb))). Four words
// per access (one per macro), rotating register sets, chunks of quads in a zero-overhead loop.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { afterPlaced, checkBits, ConstRegs, qClampOps, qop, qRange, qRequant16, split16 } from './q-common.js';
import { type Op, schedule } from './schedule.js';

export interface QClampShape { n: number; bits: 8 | 16; lo: number; hi: number }
export interface QAddShape {
  n: number; bits: 8 | 16;
  /** Input zero points, multipliers s_in / s_out (quantizeMultiplier), output zero point and clamp. */
  za: number; zb: number; ma: { m0: number; shift: number }; mb: { m0: number; shift: number }; zy: number; lo: number; hi: number;
}

const SET = 8, SETS = 5, CONST0 = SET * SETS;
const QUADS = 32;

type ItemOps = (regs: number[], c: ConstRegs, prio: number) => Op[];

/** One element-wise kernel: `inputs` streams in, item ops per quad (inputs loaded into regs[0], regs[1]), result in regs[2]. */
function elementwise(name: string, what: string, n: number, inputs: 1 | 2, item: ItemOps, t: TargetDesc, flops: number): DspKernel {
  if (!Number.isInteger(n) || n < 1) throw new BwvmError('DSPLIB_SHAPE', `${name}: n must be a positive integer (got ${n})`);
  const names = inputs === 2 ? ['x', 'x2'] : ['x'];
  const placed = placeTensors([...names.map((s) => ({ name: s, words: n })), { name: 'y', words: n }], t, what);
  const at = (s: string) => placed.find((p) => p.name === s)!;
  const c = new ConstRegs(CONST0);
  const segment = (nq: number, lanes: number): { lines: string[]; b: OpBuilder } => {
    const b = new OpBuilder(t);
    const sx = b.stream(0, at('x').addr, 0), sy = b.stream(1, at('y').addr, 0);
    const sx2 = inputs === 2 ? b.stream(2, at('x2').addr, 0) : -1;
    const ops: Op[] = [];
    for (let i = 0; i < nq + lanes; i++) {
      const quad = i < nq, off = quad ? 4 * i : 4 * nq + (i - nq), mask = quad ? 'xyzt' : 'x', st = quad ? 1 : 0;
      const regs = Array.from({ length: SET }, (_, k) => SET * (i % SETS) + k), pr = 4 * i;
      ops.push(b.loadOp(sx, off, mask, st, { p: regs[0]! }, pr));
      if (inputs === 2) ops.push(b.loadOp(sx2, off, mask, st, { p: regs[1]! }, pr));
      ops.push(...item(regs, c, pr + 1));
      ops.push(b.storeOp(sy, off, mask, st, { p: regs[2]! }, pr + 2));
    }
    const [body] = resolveIncrements([ops], b.streams.length, b.streams.map(() => 4 * nq + lanes));
    return { lines: schedule(body!, b.streams, [], t, 64, c.regs), b };
  };
  const quads = Math.floor(n / 4), rest = n % 4, chunks = Math.floor(quads / QUADS), tailQuads = quads - chunks * QUADS;
  const code: string[] = [];
  const nest = (nq: number, lanes: number, count: number, startQuad: number): void => {
    if (count === 0 || nq + lanes === 0) return;
    const seg = segment(nq, lanes);
    const bases = ['x', 'y', 'x2'];
    code.push(...emitNest([count], seg.b.streams.map((s, k) => ({ ...s, base: `${bases[k]}+${4 * startQuad}`, steps: [4 * nq + lanes] })), { head: seg.lines, tail: [] }, t));
  };
  nest(QUADS, 0, chunks, 0);
  nest(tailQuads, rest, 1, chunks * QUADS);
  const asm = [`// ${what} on ${t.name}`, ...dataSection(placed), ...c.data(afterPlaced(placed)), '.text', 'main:',
    ...[...c.load(), ...code].map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name, dtype: 'i8', asm, flops, description: what,
    inputs: names.map((s) => ({ symbol: s, shape: [n], layout: 'flat, one int32 word per value' })),
    outputs: [{ symbol: 'y', shape: [n], layout: 'flat, one int32 word per value' }],
    params: { quadsPerBody: QUADS, staticLines: staticLines(code) },
  };
}

/** y = min(max(x, lo), hi) on integer words (a folded or standalone Relu / Clip). */
export function qclamp(sh: QClampShape, t: TargetDesc): DspKernel {
  checkBits(sh.bits, 'qclamp');
  const [lo0, hi0] = qRange(sh.bits);
  if (!(Number.isInteger(sh.lo) && Number.isInteger(sh.hi) && sh.lo >= lo0 && sh.hi <= hi0 && sh.lo <= sh.hi)) {
    throw new BwvmError('DSPLIB_SHAPE', `qclamp: bounds [${sh.lo}, ${sh.hi}] must be integers inside the int${sh.bits} range`);
  }
  const k = elementwise('qclamp', `qclamp n=${sh.n} [${sh.lo}, ${sh.hi}] int${sh.bits}`, sh.n, 1,
    (r, c, pr) => [qop('mov', r[2]!, r[0]!, r[0]!, pr), ...qClampOps(r[2]!, sh.lo, sh.hi, c, pr)], t, sh.n);
  return { ...k, dtype: sh.bits === 8 ? 'i8' : 'i16' };
}

/** y = clamp(zp_y + rndsh((a - za) * Ma) + rndsh((b - zb) * Mb)) on integer words (residual Add). */
export function qadd(sh: QAddShape, t: TargetDesc): DspKernel {
  checkBits(sh.bits, 'qadd');
  const [lo0, hi0] = qRange(sh.bits);
  const sa = split16(sh.ma, 'qadd input a'), sb = split16(sh.mb, 'qadd input b');
  const lo = Math.max(lo0, sh.lo), hi = Math.min(hi0, sh.hi);
  const narrow = lo > lo0 || hi < hi0;
  const k = elementwise('qadd', `qadd n=${sh.n} int${sh.bits}`, sh.n, 2, (r, c, pr) => {
    const [a, b, y, ta, tb] = r as [number, number, number, number, number];
    return [
      qop('iadd2', a, a, c.reg(-sh.za), pr), qop('iadd2', b, b, c.reg(-sh.zb), pr),
      ...qRequant16(a, y, ta, sa, c, pr), ...qRequant16(b, tb, ta, sb, c, pr),
      qop('adds2', y, y, tb, pr), qop('adds2', y, y, c.reg(sh.zy), pr), qop(sh.bits === 8 ? 'sat8' : 'sat16', y, y, y, pr),
      ...(narrow ? qClampOps(y, lo, hi, c, pr) : []),
    ];
  }, t, 2 * sh.n);
  return { ...k, dtype: sh.bits === 8 ? 'i8' : 'i16' };
}
