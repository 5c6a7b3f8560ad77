// Pools whose window is the whole plane (GlobalAveragePool, k = H = W): per channel the plane is
// read as 4-word quads (one word per macro), reduced into a few partial accumulators and a tree,
// then across macros (sum, or max over cross-macro transfers); leftover words join on macro x.
import type { TargetDesc } from '../target/index.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { AG, agLines, emitNest, staticLines } from './emit.js';
import { pipelineLoop, resolveLoop } from './modulo-emit.js';
import type { LoopBody, MOp } from './modulo.js';
import { type ArithForm, type Op, poolRegs, type Reg, schedule } from './schedule.js';

/** Partial accumulators per channel: the dependent add chain is quads / ACCS long, not quads. */
const ACCS = 4;

/** One channel's work with abstract registers: `slot` = an accumulator (pinned in the list schedule), `tmp` = a loaded value. */
type AReg = { slot: number } | { tmp: number };
type AOp =
  | { t: 'load'; rel: number; mask: string; n: number; dst: AReg }
  | { t: 'op'; form: ArithForm; d: number; a: AReg; b: AReg }
  | { t: 'store'; src: AReg };

/** The reduction of one plane of P words into slot `out` (macro x holds the result). */
export function globalBody(kind: 'maxpool' | 'avgpool', P: number, inv: number): { ops: AOp[]; slots: number; out: number } {
  const Q = Math.floor(P / 4), A = Math.min(ACCS, Q), S = A, X = A + 1; // slots: accumulators, result, a cross-macro temp
  const form: ArithForm = kind === 'maxpool' ? 'max2' : 'add2';
  const ops: AOp[] = [];
  let tmp = 0;
  for (let q = 0; q < Q; q++) {
    if (q < A) { ops.push({ t: 'load', rel: 4 * q, mask: 'xyzt', n: 1, dst: { slot: q } }); continue; }
    const v = { tmp: tmp++ };
    ops.push({ t: 'load', rel: 4 * q, mask: 'xyzt', n: 1, dst: v }, { t: 'op', form, d: q % A, a: { slot: q % A }, b: v });
  }
  // tree over the partial accumulators into slot 0
  for (let w = 1; w < A; w *= 2) for (let j = 0; j + w < A; j += 2 * w) ops.push({ t: 'op', form, d: j, a: { slot: j }, b: { slot: j + w } });
  if (Q > 0 && kind === 'avgpool') ops.push({ t: 'op', form: 'fsum', d: S, a: { slot: 0 }, b: { slot: 0 } });
  if (Q > 0 && kind === 'maxpool') {
    // macro x: max over the four macros' values (each transfer brings one macro's word to all)
    ops.push({ t: 'op', form: 'xfery', d: X, a: { slot: 0 }, b: { slot: 0 } }, { t: 'op', form, d: S, a: { slot: 0 }, b: { slot: X } });
    for (const f of ['xferz', 'xfert'] as const) ops.push({ t: 'op', form: f, d: X, a: { slot: 0 }, b: { slot: 0 } }, { t: 'op', form, d: S, a: { slot: S }, b: { slot: X } });
  }
  for (let j = 4 * Q; j < P; j++) {
    if (j === 0) { ops.push({ t: 'load', rel: 0, mask: 'x', n: 0, dst: { slot: S } }); continue; }
    const v = { tmp: tmp++ };
    ops.push({ t: 'load', rel: j, mask: 'x', n: 0, dst: v }, { t: 'op', form, d: S, a: { slot: S }, b: v });
  }
  if (kind === 'avgpool') ops.push({ t: 'op', form: 'fmul', d: S, a: { slot: S }, b: { slot: -1 - inv } });
  ops.push({ t: 'store', src: { slot: S } });
  return { ops, slots: A + 2, out: S };
}

const names = ['x', 'x', 'y'];

/** Channel-loop code (after fr{inv} holds 1/P): list-scheduled, or software pipelined when that issues fewer lines. */
export function globalPoolCode(kind: 'maxpool' | 'avgpool', C: number, P: number, xAddr: number, yAddr: number, inv: number, t: TargetDesc, pipeline: boolean): { code: string[]; pipelined: number } {
  const { ops: aops, slots } = globalBody(kind, P, inv);
  // list schedule: slot k pinned to fr(1 + k); loaded values from the other registers
  const b = new OpBuilder(t);
  const sx = [b.stream(0, xAddr, 0), b.stream(2, xAddr, 0)], sy = b.stream(1, yAddr, 0);
  const pin = (r: AReg): Reg => ('tmp' in r ? { v: r.tmp } : r.slot < 0 ? { p: -1 - r.slot } : { p: 1 + r.slot });
  const ops: Op[] = [];
  let nl = 0, prio = 0;
  for (const o of aops) {
    if (o.t === 'load') ops.push(b.loadOp(sx[nl++ % 2]!, o.rel, o.mask, o.n, pin(o.dst), prio++));
    else if (o.t === 'op') ops.push({ kind: 'fmac', op: o.form, acc: 1 + o.d, a: pin(o.a), b: pin(o.b), prio: prio++ });
    else ops.push(b.storeOp(sy, 0, 'x', 0, pin(o.src), prio++));
  }
  const [body] = resolveIncrements([ops], 3, [P, P, 1]);
  const pinned = new Set([0, inv, ...Array.from({ length: slots }, (_, k) => 1 + k)]);
  const lines = schedule(body!, b.streams, poolRegs(t, pinned), t, 64, new Set([inv]));
  let code = emitNest([C], b.streams.map((st, i) => ({ ...st, base: `${names[i]}+0`, steps: [i === 2 ? 1 : P] })), { head: lines, tail: [] }, t);
  if (!pipeline || C < 2) return { code, pipelined: 0 };
  const p = pipelinedCode(aops, C, P, xAddr, yAddr, inv, t);
  if (p && staticLines(p) < staticLines(code)) return { code: p, pipelined: 1 };
  return { code, pipelined: 0 };
}

/** The channel loop software pipelined: every write a fresh value (the allocator renames). */
function pipelinedCode(aops: AOp[], C: number, P: number, xAddr: number, yAddr: number, inv: number, t: TargetDesc): string[] | undefined {
  const b = new OpBuilder(t);
  const sx = [b.stream(0, xAddr, 0), b.stream(2, xAddr, 0)], sy = b.stream(1, yAddr, 0);
  let v = 0, nl = 0;
  const cur = new Map<number, Reg>(), tmps = new Map<number, Reg>();
  const read = (r: AReg): Reg => ('tmp' in r ? tmps.get(r.tmp)! : r.slot < 0 ? { p: -1 - r.slot } : cur.get(r.slot)!);
  const write = (r: AReg): Reg => {
    const n = { v: v++ };
    if ('tmp' in r) tmps.set(r.tmp, n); else cur.set(r.slot, n);
    return n;
  };
  const ops: MOp[] = [];
  for (const o of aops) {
    if (o.t === 'load') ops.push(b.loadOp(sx[nl++ % 2]!, o.rel, o.mask, o.n, write(o.dst), 0));
    else if (o.t === 'op') { const a = read(o.a), bb = read(o.b); ops.push({ kind: 'arith', form: o.form, d: write({ slot: o.d }), a, b: bb }); } else ops.push(b.storeOp(sy, 0, 'x', 0, read(o.src), 0));
  }
  const step = [P, P, 1], first = [0, 0, 0];
  const body: LoopBody = { ops: resolveLoop(ops, step, first), streams: b.streams, step, constRegs: new Set([inv]) };
  const p = pipelineLoop(body, C, t, Array.from({ length: inv }, (_, r) => r));
  if (!p) return undefined;
  return [...agLines(b.streams.map((st, i) => ({ ag: st.ag, text: `${AG[st.ag]}${st.ar} = ${names[i]}+${first[i]}` }))), ...p.lines];
}
