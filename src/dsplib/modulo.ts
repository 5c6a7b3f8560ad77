// Modulo scheduler for dsplib inner loops (software pipelining): one loop iteration as a list of
// loads, stores, address adds and arithmetic, its dependence graph (values, loop-carried pinned
// registers, address-stream order), ResMII / RecMII and Rau's iterative modulo scheduling with a
// modulo reservation table (issue width, units per lane, one access per generator, banks).
import type { TargetDesc } from '../target/index.js';
import { type ArithForm, arithInfo, type Op, type Reg, type Stream, type Unit } from './schedule.js';

/** An arithmetic op with any destination (virtual registers are iteration-local values). */
export interface ArithOp { kind: 'arith'; form: ArithForm; d: Reg; a: Reg; b: Reg }
export type MemOp = Extract<Op, { kind: 'load' | 'store' | 'agadd' }>;
export type MOp = MemOp | ArithOp;

/** One loop iteration: ops in program order; streams advance `step[s]` words per iteration. */
export interface LoopBody { ops: MOp[]; streams: Stream[]; step: number[]; constRegs?: Set<number> }

export interface Edge { from: number; to: number; lat: number; dist: number }

const isP = (r: Reg): r is { p: number } => 'p' in r;
const UNARY = new Set<string>(['mov', 'abs', 'recip', 'fsum', 'fsumx', 'fsumy', 'fsumz', 'fsumt', 'xferx', 'xfery', 'xferz', 'xfert',
  'shli16', 'shri16', 'lsri16', 'sat8', 'sat16', 'rndsh0', 'rndsh16']);

/** Registers an op reads and the one it writes. */
export function regsOf(o: MOp, t: TargetDesc): { reads: Reg[]; write?: Reg } {
  if (o.kind === 'load') return { reads: [], write: o.dst };
  if (o.kind === 'store') return { reads: [o.src] };
  if (o.kind === 'agadd') return { reads: [] };
  const info = arithInfo(o.form, t);
  const reads: Reg[] = info.readsD ? [o.d] : [];
  if (o.form !== 'fadd') reads.push(o.a);
  if (!UNARY.has(o.form)) reads.push(o.b);
  return { reads, write: o.d };
}

/** Cycles until an op's result can be read (at least 1: a reader must sit in a later line). */
export function latencyOf(o: MOp, t: TargetDesc): number {
  if (o.kind === 'load') return Math.max(1, t.latency.load);
  if (o.kind === 'arith') return Math.max(1, t.latency[arithInfo(o.form, t).lat]);
  return 1;
}

const key = (r: Reg): string => (isP(r) ? `p${r.p}` : `v${r.v}`);

/** Dependence edges: value flow, pinned-register order within and across iterations, stream order. */
export function buildEdges(body: LoopBody, t: TargetDesc): Edge[] {
  const { ops } = body, consts = body.constRegs ?? new Set<number>();
  const edges: Edge[] = [];
  const n = ops.length;
  const rw = ops.map((o) => regsOf(o, t));
  // registers: scan two copies of the iteration; edges into the second copy are loop-carried
  const regs = new Set<string>();
  rw.forEach((x) => [...x.reads, ...(x.write ? [x.write] : [])].forEach((r) => { if (!(isP(r) && consts.has(r.p))) regs.add(key(r)); }));
  for (const rk of regs) {
    const pinned = rk.startsWith('p');
    let lastW = -1;
    let readsSince: number[] = [];
    for (let k = 0; k < (pinned ? 2 * n : n); k++) {
      const i = k % n, x = rw[i]!;
      const reads = x.reads.some((r) => key(r) === rk), writes = x.write !== undefined && key(x.write) === rk;
      if (!reads && !writes) continue;
      const add = (from: number, lat: number): void => {
        const fi = from % n, dist = (k >= n ? 1 : 0) - (from >= n ? 1 : 0);
        if (k >= n && from >= n) return; // second copy internals: same as the first
        edges.push({ from: fi, to: i, lat, dist });
      };
      if (reads && lastW >= 0) add(lastW, latencyOf(ops[lastW % n]!, t));
      if (writes) {
        if (lastW >= 0) add(lastW, 1);
        for (const r of readsSince) if (r !== k) add(r, 0);
        lastW = k; readsSince = [];
      }
      if (reads) readsSince.push(k);
    }
  }
  // address streams: accesses in order, the next iteration's first after this one's last
  const per = new Map<number, number[]>();
  ops.forEach((o, i) => { if (o.kind !== 'arith') { let l = per.get(o.stream); if (!l) per.set(o.stream, l = []); l.push(i); } });
  for (const l of per.values()) {
    for (let k = 1; k < l.length; k++) edges.push({ from: l[k - 1]!, to: l[k]!, lat: 1, dist: 0 });
    edges.push({ from: l[l.length - 1]!, to: l[0]!, lat: 1, dist: 1 });
  }
  return edges;
}

/** Resource bound: the busiest of issue slots, each address generator, each unit class per lane. */
export function resMII(body: LoopBody, t: TargetDesc): number {
  let slots = 0;
  const ag = [0, 0, 0];
  const unit = new Map<string, number>();
  for (const o of body.ops) {
    slots++;
    if (o.kind !== 'arith') { ag[body.streams[o.stream]!.ag]!++; continue; }
    const info = arithInfo(o.form, t);
    for (const u of info.units) for (const l of info.lanes) unit.set(`${u}${l}`, (unit.get(`${u}${l}`) ?? 0) + 1);
  }
  // banks: a line reaches each bank of a memory block at one address, so at most banksPerBlock words per block
  const words = new Map<number, number>();
  for (const o of body.ops) if (o.kind === 'load' || o.kind === 'store') for (const a of o.addr) { const blk = Math.floor(a / t.memory.blockWords); words.set(blk, (words.get(blk) ?? 0) + 1); }
  let m = Math.ceil(slots / t.issueWidth);
  for (const w of words.values()) m = Math.max(m, Math.ceil(w / t.memory.banksPerBlock));
  for (const a of ag) m = Math.max(m, Math.ceil(a / t.agu.portsPerLine));
  for (const [k, c] of unit) m = Math.max(m, Math.ceil(c / t.units[k.slice(0, 3) as Unit]));
  return Math.max(1, m);
}

/** Whether some dependence cycle needs more than II cycles per iteration (longest paths, Bellman-Ford). */
function positiveCycle(n: number, edges: Edge[], II: number): boolean {
  const d = new Float64Array(n);
  for (let round = 0; round <= n; round++) {
    let changed = false;
    for (const e of edges) {
      const v = d[e.from]! + e.lat - II * e.dist;
      if (v > d[e.to]!) { d[e.to] = v; changed = true; }
    }
    if (!changed) return false;
  }
  return true;
}

/** Recurrence bound: the smallest II without a positive dependence cycle. */
export function recMII(body: LoopBody, t: TargetDesc, edges = buildEdges(body, t)): number {
  let II = 1;
  while (positiveCycle(body.ops.length, edges, II)) II++;
  return II;
}

/** Modulo reservation table: per row, slots, generator accesses, units per lane, bank accesses. */
class MRT {
  private rows: Array<{ ops: Set<number>; byKey: Map<string, Set<number>> }>;
  private keys: string[][];
  constructor(readonly II: number, private body: LoopBody, private t: TargetDesc, private memo = new Map<number, boolean>()) {
    this.rows = Array.from({ length: II }, () => ({ ops: new Set<number>(), byKey: new Map<string, Set<number>>() }));
    // resources per op: unit class per lane for arithmetic, the generator for memory ops
    this.keys = body.ops.map((o) => {
      if (o.kind !== 'arith') return [`ag${body.streams[o.stream]!.ag}`];
      const f = arithInfo(o.form, t);
      return f.units.flatMap((u) => f.lanes.map((l) => `${u}${l}`));
    });
  }
  private cap(key: string): number { return key.startsWith('ag') ? this.t.agu.portsPerLine : this.t.units[key.slice(0, 3) as Unit]; }
  /** Ops in the row of time tm that o could not share a line with. */
  conflicts(o: number, tm: number, time: Map<number, number>): number[] {
    const row = this.rows[tm % this.II]!;
    const bad = new Set<number>();
    if (row.ops.size + 1 > this.t.issueWidth) bad.add(row.ops.values().next().value!);
    for (const k of this.keys[o]!) {
      const users = row.byKey.get(k);
      if (users && users.size + 1 > this.cap(k)) bad.add(users.values().next().value!);
    }
    const me = this.body.ops[o]!;
    if (me.kind === 'load' || me.kind === 'store') {
      for (const j of row.ops) {
        const x = this.body.ops[j]!;
        if (x.kind !== 'load' && x.kind !== 'store') continue;
        if (this.bankClash(o, Math.floor(tm / this.II), j, Math.floor(time.get(j)! / this.II))) bad.add(j);
      }
    }
    return [...bad];
  }
  /** Two accesses in one line, iterations apart by their stage difference: same bank, other word, for some iteration. */
  private bankClash(ia: number, sa: number, ib: number, sb: number): boolean {
    const nbk = this.t.memory.banksPerBlock, n = this.body.ops.length;
    const k = ((ia * n + ib) * nbk + (((sa % nbk) + nbk) % nbk)) * nbk + (((sb % nbk) + nbk) % nbk);
    let r = this.memo.get(k);
    type Acc = Extract<MOp, { kind: 'load' | 'store' }>;
    if (r === undefined) { r = this.bankClashRaw(this.body.ops[ia] as Acc, sa, this.body.ops[ib] as Acc, sb); this.memo.set(k, r); }
    return r;
  }
  private bankClashRaw(a: Extract<MOp, { kind: 'load' | 'store' }>, sa: number, b: Extract<MOp, { kind: 'load' | 'store' }>, sb: number): boolean {
    const nb = this.t.memory.banksPerBlock, bw = this.t.memory.blockWords;
    const bank = (addr: number): number => ((addr % nb) + nb) % nb;
    const stA = this.body.step[a.stream]!, stB = this.body.step[b.stream]!;
    for (let j = 0; j < nb; j++) {
      const ia = j - sa, ib = j - sb; // iteration numbers relative to the line's newest
      for (let x = 0; x < a.addr.length; x++) for (let y = 0; y < b.addr.length; y++) {
        // the block of the iteration-0 address (a stream is not expected to cross blocks within a few iterations)
        if (Math.floor(a.addr[x]! / bw) !== Math.floor(b.addr[y]! / bw)) continue;
        const pa = a.addr[x]! + ia * stA, pb = b.addr[y]! + ib * stB;
        if (pa !== pb && bank(pa) === bank(pb)) return true;
      }
    }
    return false;
  }
  add(o: number, tm: number): void {
    const row = this.rows[tm % this.II]!;
    row.ops.add(o);
    for (const k of this.keys[o]!) { let u = row.byKey.get(k); if (!u) row.byKey.set(k, u = new Set()); u.add(o); }
  }
  remove(o: number, tm: number): void {
    const row = this.rows[tm % this.II]!;
    row.ops.delete(o);
    for (const k of this.keys[o]!) row.byKey.get(k)?.delete(o);
  }
}

export interface ModuloSchedule { II: number; time: number[]; length: number; stages: number }

/** Search work left for a whole pipelining (rows examined for a free slot): a cap, so hopeless bodies fail in milliseconds. */
export interface SearchWork { left: number }

/** Iterative modulo scheduling at one II (Rau 1994): height priority, eviction, a bounded budget. */
export function scheduleAt(body: LoopBody, t: TargetDesc, II: number, edges: Edge[], budgetFactor = 30, attempts = 12, work: SearchWork = { left: Infinity }): ModuloSchedule | undefined {
  // attempt 0: pure height order; then heights with seeded jitter (ties among equal heights matter under bank rules)
  let seed = 12345;
  const jitter = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
  const memo = new Map<number, boolean>();
  const tries = body.ops.length > 40 ? Math.min(attempts, 4) : attempts;
  for (let a = 0; a < tries && work.left > 0; a++) {
    const s = attempt(body, t, II, edges, budgetFactor, a === 0 ? () => 0 : () => jitter() * 3, memo, work);
    if (s) return s;
  }
  return undefined;
}

function attempt(body: LoopBody, t: TargetDesc, II: number, edges: Edge[], budgetFactor: number, noise: () => number, memo: Map<number, boolean>, work: SearchWork): ModuloSchedule | undefined {
  const n = body.ops.length;
  const succ: Edge[][] = Array.from({ length: n }, () => []), pred: Edge[][] = Array.from({ length: n }, () => []);
  for (const e of edges) { succ[e.from]!.push(e); pred[e.to]!.push(e); }
  // height over the iteration's own (acyclic) edges
  const height = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) for (const e of succ[i]!) if (e.dist === 0 && e.to > i) height[i] = Math.max(height[i]!, height[e.to]! + e.lat);
  for (let round = 0; round < 3; round++) for (let i = n - 1; i >= 0; i--) for (const e of succ[i]!) if (e.dist === 0) height[i] = Math.max(height[i]!, height[e.to]! + e.lat);
  const prio = height.map((h) => h + noise());
  const order = [...Array(n).keys()].sort((a, b) => prio[b]! - prio[a]! || a - b);
  const rank = new Array<number>(n); order.forEach((o, k) => { rank[o] = k; });
  const time = new Map<number, number>(), last = new Map<number, number>();
  const mrt = new MRT(II, body, t, memo);
  const maxTime = II * (n + 4) + height.reduce((a, b) => Math.max(a, b), 0);
  let budget = budgetFactor * n;
  const pending = new Set(order);
  while (pending.size > 0) {
    if (budget-- <= 0 || (work.left -= 3 * II) <= 0) return undefined;
    let o = -1;
    for (const x of pending) if (o < 0 || rank[x]! < rank[o]!) o = x;
    pending.delete(o);
    let est = 0;
    for (const e of pred[o]!) { const tp = time.get(e.from); if (tp !== undefined && e.from !== o) est = Math.max(est, tp + e.lat - II * e.dist); }
    let tm = -1;
    // a free row within one stage, else within three (bank rules depend on the stage too)
    for (let c = est; c < est + 3 * II; c++) if (mrt.conflicts(o, c, time).length === 0) { tm = c; break; }
    if (tm < 0) {
      // the row with the fewest ops to evict, not the one this op had before (no ping-pong)
      const prev = last.get(o);
      let fewest = Infinity;
      for (let c = est; c < est + 3 * II; c++) {
        const k = mrt.conflicts(o, c, time).length + (c === prev ? 2 : 0) + (c - est) * 0.01 + noise() * 0.5;
        if (k < fewest) { fewest = k; tm = c; }
      }
      for (const j of mrt.conflicts(o, tm, time)) { mrt.remove(j, time.get(j)!); time.delete(j); pending.add(j); }
      // a full row may still be full (another op of the same class): evict until it fits
      for (let guard = 0; mrt.conflicts(o, tm, time).length > 0 && guard < 64; guard++) {
        for (const j of mrt.conflicts(o, tm, time)) { mrt.remove(j, time.get(j)!); time.delete(j); pending.add(j); }
      }
    }
    if (tm > maxTime) return undefined;
    time.set(o, tm); last.set(o, tm); mrt.add(o, tm);
    for (const e of succ[o]!) {
      const ts = time.get(e.to);
      if (e.to !== o && ts !== undefined && ts < tm + e.lat - II * e.dist) { mrt.remove(e.to, ts); time.delete(e.to); pending.add(e.to); }
    }
    // self edges (an op depending on itself in the previous iteration) hold when lat <= II
    if (succ[o]!.some((e) => e.to === o && e.lat > II * e.dist)) return undefined;
  }
  const min = Math.floor(Math.min(...time.values()) / II) * II; // whole stages: rows and stage gaps unchanged
  const times = [...Array(n).keys()].map((i) => time.get(i)! - min);
  const length = Math.max(...times) + 1;
  return { II, time: times, length, stages: Math.ceil(length / II) };
}

/** Check a schedule against every dependence: t(to) >= t(from) + lat - II * dist. */
export function respectsEdges(s: ModuloSchedule, edges: Edge[]): boolean {
  return edges.every((e) => s.time[e.to]! >= s.time[e.from]! + e.lat - s.II * e.dist);
}

/** Ops of a schedule that break a resource rule against an op placed before them in their row (none: legal). */
export function resourceViolations(body: LoopBody, t: TargetDesc, s: ModuloSchedule): number[] {
  const mrt = new MRT(s.II, body, t), time = new Map<number, number>(), bad: number[] = [];
  s.time.forEach((tm, o) => {
    if (mrt.conflicts(o, tm, time).length > 0) bad.push(o);
    mrt.add(o, tm); time.set(o, tm);
  });
  return bad;
}
