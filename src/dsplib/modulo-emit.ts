// Code for a modulo-scheduled loop: post-increments of one iteration, registers by modulo
// variable expansion (a value living longer than II gets ceil(life/II) registers, the kernel is
// unrolled to the largest such count), and the flat schedule cut into prologue, a zero-overhead
// kernel loop and epilogue. pipelineLoop tries II upward from max(ResMII, RecMII) under a search-work cap.
import type { TargetDesc } from '../target/index.js';
import { arithInfo, type Reg } from './schedule.js';
import { buildEdges, type LoopBody, type ModuloSchedule, type MOp, recMII, regsOf, resMII, respectsEdges, scheduleAt, type SearchWork } from './modulo.js';

const INC_MIN = -32, INC_MAX = 31;
const AGN = ['u', 'v', 'w'];
const isP = (r: Reg): r is { p: number } => 'p' in r;
let labelSeq = 0;

/**
 * Post-increments for ops built with relative offsets (OpBuilder's `rel`): each stream steps from
 * one access to the next and, after its last, to the next iteration's first (step words on).
 * A step that does not fit the 6-bit field becomes an address add right after the access.
 */
export function resolveLoop(ops: MOp[], step: number[], first?: number[]): MOp[] {
  const per = new Map<number, number[]>();
  ops.forEach((o, i) => { if (o.kind === 'load' || o.kind === 'store') { let l = per.get(o.stream); if (!l) per.set(o.stream, l = []); l.push(i); } });
  const extra = new Map<number, MOp>();
  const rel = (i: number): number => (ops[i] as unknown as { rel: number }).rel;
  for (const [s, l] of per) {
    // a stream whose first access is not at offset 0 starts there (first[s]: add it to the stream's base)
    if (rel(l[0]!) !== 0 && !first) throw new Error(`modulo: stream ${s} must start at offset 0 of the iteration`);
    if (first) first[s] = rel(l[0]!);
    l.forEach((i, k) => {
      const next = k + 1 < l.length ? rel(l[k + 1]!) : step[s]! + rel(l[0]!);
      const d = next - rel(i), o = ops[i] as Extract<MOp, { kind: 'load' | 'store' }>;
      if (d >= INC_MIN && d <= INC_MAX) o.inc = d;
      else { o.inc = 0; extra.set(i, { kind: 'agadd', stream: s, imm: d, prio: 0 }); }
    });
  }
  const out: MOp[] = [];
  ops.forEach((o, i) => { out.push(o); const e = extra.get(i); if (e) out.push(e); });
  return out;
}

export interface Pipelined {
  lines: string[];
  /** Lines issued (loop instruction included), stalls not counted. */
  issued: number;
  II: number; resMII: number; recMII: number; stages: number; unroll: number; kernelCount: number; regs: number;
}

/** Registers per virtual value: copies (a divisor of the unroll), base index into the pool. */
function allocate(body: LoopBody, s: ModuloSchedule, t: TargetDesc, pool: number[]): { unroll: number; reg: (v: number, it: number) => number; used: number } | undefined {
  // a value lives from its first write to its last read; a later write must also land before the
  // next copy's first write (reads in that line see the old value, a second write would not be ordered)
  const def = new Map<number, number>(), lastRead = new Map<number, number>(), lastWrite = new Map<number, number>();
  body.ops.forEach((o, i) => {
    const rw = regsOf(o, t), tm = s.time[i]!;
    for (const r of rw.reads) if (!isP(r)) lastRead.set(r.v, Math.max(lastRead.get(r.v) ?? -Infinity, tm));
    if (rw.write && !isP(rw.write)) {
      const v = rw.write.v;
      def.set(v, Math.min(def.get(v) ?? Infinity, tm)); lastWrite.set(v, Math.max(lastWrite.get(v) ?? -Infinity, tm));
    }
  });
  for (const v of lastRead.keys()) if (!def.has(v)) throw new Error(`modulo: value v${v} read but never written in the iteration`);
  const need = new Map<number, number>();
  for (const [v, d] of def) {
    need.set(v, Math.max(1, Math.ceil(((lastRead.get(v) ?? d) - d) / s.II), Math.floor((lastWrite.get(v)! - d) / s.II) + 1));
  }
  const unroll = Math.max(1, ...need.values());
  // one live range per value and iteration class (it mod unroll): [first write, max(last read, last write + 1)),
  // repeating every unroll·II lines; ranges that never overlap on that circle share a register (first fit)
  const P = unroll * s.II;
  const arcs: Array<{ v: number; c: number; s: number; e: number }> = [];
  for (const [v, d] of def) {
    const e = Math.max(lastRead.get(v) ?? d, lastWrite.get(v)! + 1);
    for (let c = 0; c < unroll; c++) arcs.push({ v, c, s: d + c * s.II, e: e + c * s.II });
  }
  arcs.sort((a, b) => (b.e - b.s) - (a.e - a.s) || a.s - b.s);
  const overlap = (a: { s: number; e: number }, b: { s: number; e: number }): boolean => {
    const as = ((a.s % P) + P) % P, bs = ((b.s % P) + P) % P, ae = as + a.e - a.s, be = bs + b.e - b.s;
    return [-P, 0, P].some((k) => as < be + k && bs + k < ae);
  };
  const regs: Array<Array<{ s: number; e: number }>> = [];
  const at = new Map<string, number>();
  for (const a of arcs) {
    let r = regs.findIndex((list) => list.every((b) => !overlap(a, b)));
    if (r < 0) { r = regs.length; regs.push([]); }
    regs[r]!.push(a); at.set(`${a.v}:${a.c}`, r);
  }
  if (regs.length > pool.length) return undefined;
  return { unroll, used: regs.length, reg: (v, it) => pool[at.get(`${v}:${it % unroll}`)!]! };
}

/** Slot text of op o in iteration it. */
function slotText(o: MOp, it: number, body: LoopBody, t: TargetDesc, reg: (v: number, it: number) => number): string {
  const p = (r: Reg): number => (isP(r) ? r.p : reg(r.v, it));
  if (o.kind === 'arith') return arithInfo(o.form, t).text(p(o.d), p(o.a), p(o.b));
  const st = body.streams[o.stream]!, ar = `${AGN[st.ag]}${st.ar}`;
  if (o.kind === 'agadd') return `${ar} += ${o.imm}`;
  if (o.kind === 'load') return `${o.mask} fr${p(o.dst)} = [${ar}+=${o.inc},${o.n}]`;
  return `[${ar}+=${o.inc},${o.n}] = ${o.mask} fr${p(o.src)}`;
}

/** Emit n iterations of a modulo schedule: prologue, kernel loop (when it repeats), epilogue. */
export function emitSchedule(body: LoopBody, s: ModuloSchedule, n: number, t: TargetDesc, pool: number[], maxLines: number): Pipelined | undefined {
  const alloc = allocate(body, s, t, pool);
  if (!alloc) return undefined;
  const { II, time } = s, U = alloc.unroll;
  const total = (n - 1) * II + s.length;
  const line = (f: number): string => {
    const slots: string[] = [];
    body.ops.forEach((o, i) => {
      const d = f - time[i]!;
      if (d < 0 || d % II !== 0 || d / II >= n) return;
      slots.push(slotText(o, d / II, body, t, alloc.reg));
    });
    return slots.length ? slots.join(' || ') : 'nop';
  };
  const F0 = (s.stages - 1) * II, K = Math.floor((n - s.stages + 1) / U);
  let lines: string[];
  if (K >= 2) {
    if (U * II > 500) return undefined;
    const label = `Lp${labelSeq++}`;
    const flat = (a: number, b: number): string[] => Array.from({ length: b - a }, (_, k) => line(a + k));
    lines = [...flat(0, F0), `loop ${label}, ${K}`, ...flat(F0, F0 + U * II), `${label}:`, ...flat(F0 + K * U * II, total)];
  } else lines = Array.from({ length: total }, (_, f) => line(f));
  if (lines.length > maxLines) return undefined;
  return { lines, issued: K >= 2 ? total + 1 : total, II, resMII: 0, recMII: 0, stages: s.stages, unroll: U, kernelCount: K >= 2 ? K : 0, regs: alloc.used };
}

/**
 * Search work for one pipelining, in reservation-table rows examined: ample for the loops that
 * pipeline (a few hundred ops), while a body that cannot profit (long dependent chains, more live
 * values than registers) gives up in a fraction of a second instead of trying every II in full.
 */
export const PIPELINE_WORK = 400_000;
/** Consecutive IIs that schedule but do not fit the registers or the code size before giving up (a larger II rarely helps then). */
export const PIPELINE_MISSES = 8;

/** Software-pipeline n iterations of body: the first II from max(ResMII, RecMII) that schedules and allocates. */
export function pipelineLoop(body: LoopBody, n: number, t: TargetDesc, pool: number[], maxLines = 480, work: SearchWork = { left: PIPELINE_WORK }): Pipelined | undefined {
  const edges = buildEdges(body, t);
  const res = resMII(body, t), rec = recMII(body, t, edges);
  const mii = Math.max(res, rec);
  let misses = 0;
  for (let II = mii; II <= mii * 2 + 4 && work.left > 0 && misses < PIPELINE_MISSES; II++) {
    const s = scheduleAt(body, t, II, edges, undefined, undefined, work);
    if (!s || !respectsEdges(s, edges)) continue;
    const out = emitSchedule(body, s, n, t, pool, maxLines);
    if (out) return { ...out, resMII: res, recMII: rec };
    misses++;
  }
  return undefined;
}
