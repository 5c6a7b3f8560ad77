// Softmax over the last axis of an fp32 [N, K] tensor, one row per loop iteration: (1) 4-word
// loads into 4 running maxima, combined across the macros with xfer; (2) e = exp(x - max) (exp.ts)
// stored to y and summed into 4 partial sums, total by `fsum`, 1/total by `recip` + one Newton
// step; (3) y *= 1/total. Lanes past K in the last quad read as -3e38 (their exp is ~1e-38).
// Long rows: each pass is a zero-overhead loop over chunks of quads plus a straight remainder.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { AG, agLines, dataSection, placeTensors, staticLines } from './emit.js';
import { constCode, constRegs, EXP_CONSTS, expOps } from './exp.js';
import type { DspKernel } from './kernel.js';
import { type ArithForm, type Op, schedule } from './schedule.js';

export interface SoftmaxShape { N: number; K: number }

const ACC = [0, 1, 2, 3] as const, LOADS = [4, 5, 6, 7, 8, 9, 10, 11], MX = 12, TOT = 13, RCP = 14, NWT = 15, SLOT0 = 16;

export function softmax(sh: SoftmaxShape, t: TargetDesc): DspKernel {
  const { N, K } = sh;
  if (![N, K].every((v) => Number.isInteger(v) && v > 0)) throw new BwvmError('DSPLIB_SHAPE', `softmax: N and K must be positive integers (got N=${N} K=${K})`);
  const C = constRegs([...EXP_CONSTS, 'LO', 'NEGBIG', 'TWO', 'ZERO']);
  const slots = Math.floor((64 - Object.keys(C).length - SLOT0) / 4);
  const placed = placeTensors([{ name: 'x', words: N * K }, { name: 'y', words: N * K }], t, `softmax N=${N} K=${K}`);
  const k4 = Math.ceil(K / 4), last = K - 4 * (k4 - 1); // lanes of the last quad
  const b = new OpBuilder(t);
  const xa = b.stream(0, placed[0]!.addr, 0), xb = b.stream(2, placed[0]!.addr, 0), x2 = b.stream(0, placed[0]!.addr, 0);
  const y = b.stream(1, placed[1]!.addr, 0), y3 = b.stream(2, placed[1]!.addr, 0);
  // ops go into segments (straight code, or a loop body run `count` times), rel offsets from the row start
  const segs: Array<{ ops: Op[]; count: number; step: number }> = [];
  let ops: Op[] = [];
  const cut = (count = 0, step = 0): void => { segs.push({ ops, count, step }); ops = []; };
  let prio = 0;
  const ar = (form: ArithForm, d: number, a: number, bb: number): void => { ops.push({ kind: 'fmac', op: form, acc: d, a: { p: a }, b: { p: bb }, prio: prio++ }); };
  const mask = (i: number): string => (i === k4 - 1 ? 'xyzt'.slice(0, last) : 'xyzt');
  const load = (s: number, i: number, r: number): void => {
    if (mask(i).length < 4) ar('mov', r, C.NEGBIG!, C.NEGBIG!);
    ops.push(b.loadOp(s, 4 * i, mask(i), 1, { p: r }, prio++));
  };
  const reduce = (form: ArithForm): void => { ar(form, ACC[0]!, ACC[0]!, ACC[1]!); ar(form, ACC[2]!, ACC[2]!, ACC[3]!); ar(form, ACC[0]!, ACC[0]!, ACC[2]!); };
  /** Quads [0, k4) of one pass: full chunks of ch quads in a loop (long rows), the rest straight. */
  const pass = (ch: number, quad: (i: number) => void): void => {
    const n = k4 > 2 * ch ? Math.floor((k4 - 1) / ch) : 0;
    if (n > 0) { cut(); for (let i = 0; i < ch; i++) quad(i); cut(n, 4 * ch); }
    for (let i = n * ch; i < k4; i++) quad(i);
  };
  // (1) row maximum
  for (const a of ACC) ar('mov', a, C.NEGBIG!, C.NEGBIG!);
  pass(32, (i) => { const r = LOADS[i % LOADS.length]!; load(i % 2 ? xb : xa, i, r); ar('max2', ACC[i % 4]!, ACC[i % 4]!, r); });
  reduce('max2');
  (['xferx', 'xfery', 'xferz', 'xfert'] as const).forEach((f, j) => ar(f, LOADS[j]!, 0, 0));
  ar('max2', LOADS[0]!, LOADS[0]!, LOADS[1]!); ar('max2', LOADS[2]!, LOADS[2]!, LOADS[3]!); ar('max2', MX, LOADS[0]!, LOADS[2]!);
  // (2) e = exp(x - max), stored to y, partial sums
  for (const a of ACC) ar('mov', a, C.ZERO!, C.ZERO!);
  pass(16, (i) => {
    const [z, tt, kf, p] = [0, 1, 2, 3].map((k) => SLOT0 + (i % slots) * 4 + k) as [number, number, number, number];
    load(x2, i, z);
    ar('sub2', z, z, MX); ar('max2', z, z, C.LO!);
    ops.push(...expOps(z, tt, kf, p, C, prio++, 'exp'));
    ops.push(b.storeOp(y, 4 * i, mask(i), 1, { p }, prio++));
    ar('add2', ACC[i % 4]!, ACC[i % 4]!, p);
  });
  reduce('add2');
  ar('fsum', TOT, 0, 0); ar('recip', RCP, TOT, TOT);
  ar('mov', NWT, C.TWO!, C.TWO!); ar('fmsub', NWT, TOT, RCP); ar('fmul', RCP, RCP, NWT); // r·(2 - t·r)
  // (3) y *= 1 / sum (loads on the stream that stored y keep the order)
  pass(32, (i) => {
    const r = SLOT0 + (i % (slots * 4));
    ops.push(b.loadOp(y, 4 * i, 'xyzt', 1, { p: r }, prio++));
    ar('fmul', r, r, RCP);
    ops.push(b.storeOp(y3, 4 * i, mask(i), 1, { p: r }, prio++));
  });
  cut();
  // resolve each segment from where its streams stand; the row ends with every stream at +K
  const pos = b.streams.map(() => 0);
  const body: string[] = [];
  segs.forEach((sg, si) => {
    if (sg.ops.length === 0) return;
    const used = new Set(sg.ops.flatMap((o) => (o.kind === 'load' || o.kind === 'store' ? [o.stream] : [])));
    for (const o of sg.ops) if (o.kind === 'load' || o.kind === 'store') (o as Op & { rel: number }).rel -= pos[o.stream]!;
    const lastRel = b.streams.map((_, k) => Math.max(0, ...sg.ops.filter((o) => (o.kind === 'load' || o.kind === 'store') && o.stream === k).map((o) => (o as Op & { rel: number }).rel + 4)));
    const isLast = si === segs.length - 1;
    const end = b.streams.map((_, k) => (isLast ? K - pos[k]! : sg.count ? (used.has(k) ? sg.step : 0) : lastRel[k]!));
    const [resolved] = resolveIncrements([sg.ops], b.streams.length, end);
    const lines = schedule(resolved!, b.streams, [], t, 64, new Set(Object.values(C)));
    b.streams.forEach((_, k) => { pos[k]! += sg.count ? end[k]! * sg.count : end[k]!; });
    if (sg.count) body.push(`loop smx${si}, ${sg.count}`, ...lines, `smx${si}:`); else body.push(...lines);
  });
  const nBody = body.filter((l) => !l.endsWith(':')).length;
  if (nBody > 480) {
    throw new BwvmError('DSPLIB_CODE_SIZE', `softmax N=${N} K=${K}: one row takes ${nBody} lines; a loop body holds 511`, { hint: 'report the shape: the pass chunk sizes need tuning' });
  }
  const names = ['x', 'x', 'x', 'y', 'y'];
  const consts = constCode(C, { NEGBIG: -3e38 });
  const code = [...consts.code, ...agLines(b.streams.map((st, k) => ({ ag: st.ag, text: `${AG[st.ag]}${st.ar} = ${names[k]}+0` }))),
    `loop smxrow, ${N}`, ...body, 'smxrow:'];
  const asm = [`// softmax N=${N} K=${K} on ${t.name}`, ...dataSection(placed), ...consts.data, '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'softmax', dtype: 'f32', asm, flops: 5 * N * K, description: `softmax over the last axis of [${N}, ${K}] (fp32)`,
    inputs: [{ symbol: 'x', shape: [N, K], layout: 'NK' }], outputs: [{ symbol: 'y', shape: [N, K], layout: 'NK' }],
    params: { slots, staticLines: staticLines(code) },
  };
}
