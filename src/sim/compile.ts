// Line compiler: turns each decoded execution line into one JavaScript function (built once at
// load) that does dependency interlock, operand reads, memory checks, bank-conflict stalls,
// writes, scoreboard updates, loop/branch control and per-line counters. The semantics come from
// each table row's emit(); this file only implements the Emit interface around them.
import { type Emit, type ExecLine, type InstrDef, MAX_REGS, instr, lanes } from '../isa/index.js';
import { chipWords, type TargetDesc } from '../target/index.js';
import { type HazardPlan, planHazards } from './hazards.js';

/** Everything the generated code closes over. ST: 0 cycle, 1 bank events, 2..5 stall totals (dep, bank, dma, branch). */
export interface LineEnv {
  I: Int32Array; F: Float32Array; A: Int32Array; MI: Int32Array; MF: Float32Array;
  RDY: Float64Array; ST: Float64Array; STALL: Float64Array; CNT: Float64Array; BA: Int32Array;
  H: LineHelpers;
}

export interface LineHelpers {
  f2i(x: number): number;
  fault(code: string, pc: number, msg: string): never;
  badAddr(pc: number, addr: number, span: number, store: boolean): never;
  misaligned(pc: number, addr: number, width: number): never;
  conflicts(n: number): number;
  bankEvent(pc: number, extra: number, t: number): void;
  loopStart(pc: number, end: number, count: number): number;
  loopEnd(next: number): number;
  dmaStart(ch: number, dir: number, s: number, d: number, l: number, r: number, ss: number, ds: number, t: number, pc: number): number;
  dmaWait(ch: number, t: number): number;
  dmaDrain(t: number): number;
}

export type LineFn = () => number;

const stallCode = (pc: number, cause: number, v: string): string =>
  `if (${v}) { t += ${v}; STALL[${pc * 4 + cause}] += ${v}; ST[${2 + cause}] += ${v}; }`;

class LineEmitter implements Emit {
  readonly reads: string[] = [];
  readonly writes: string[] = [];
  readonly mems: Array<{ b: string; lanes: number; stride: number }> = [];
  private n = 0;
  constructor(readonly pc: number, private t: TargetDesc) {}
  r(k: number, r: number): number { return k * MAX_REGS + r; }
  ag(g: number, i: number): number { return g * 16 + i; }
  tmp(expr: string): string { const v = `v${this.n++}`; this.reads.push(`const ${v} = ${expr};`); return v; }
  read(stmt: string): void { this.reads.push(stmt); }
  write(stmt: string): void { this.writes.push(stmt); }
  check(cond: string, code: string, what: string): void { this.reads.push(`if (!(${cond})) H.fault(${JSON.stringify(code)}, ${this.pc}, ${JSON.stringify(what)});`); }
  macros(mask: number): number[] { return lanes(mask); }
  mem(addr: string, nLanes: number, stride: number, store: boolean): void {
    const span = (nLanes - 1) * stride + 1;
    this.reads.push(`if ((${addr} >>> 0) > ${chipWords(this.t) - span}) H.badAddr(${this.pc}, ${addr}, ${span}, ${store});`);
    if (this.t.memory.wideAccessAlign && stride === 1 && nLanes > 1) {
      const w = 2 ** Math.ceil(Math.log2(nLanes));
      this.reads.push(`if ((${addr} & ${w - 1}) !== 0) H.misaligned(${this.pc}, ${addr}, ${w});`);
    }
    this.mems.push({ b: addr, lanes: nLanes, stride });
  }
  branch(cond: string, target: number): void {
    this.writes.push(`if (${cond}) { npc = ${target}; x = ${this.t.branchPenalty}; }`);
  }
  halt(): void {
    this.writes.push(`npc = -1; { const w = H.dmaDrain(t); ${stallCode(this.pc, 2, 'w')} }`);
  }
  loop(end: number, count: string): void { this.writes.push(`npc = H.loopStart(${this.pc}, ${end}, ${count});`); }
  dmaStart(ch: number, dir: number, k: number, a: number): void {
    const d = [0, 1, 2, 3, 4, 5].map((i) => this.tmp(`I[${this.r(k, a + i)}]`));
    this.writes.push(`{ const w = H.dmaStart(${ch}, ${dir}, ${d.join(', ')}, t, ${this.pc}); ${stallCode(this.pc, 2, 'w')} }`);
  }
  dmaWait(ch: number): void { this.writes.push(`{ const w = H.dmaWait(${ch}, t); ${stallCode(this.pc, 2, 'w')} }`); }
}

/** Extra cycles of a single access whose lanes hit banks b+j*stride (address-independent within a block). */
export function staticConflict(nLanes: number, stride: number, banks: number): number {
  if (stride === 0 || nLanes === 1) return 0;
  const count = new Map<number, number>();
  for (let j = 0; j < nLanes; j++) { const b = (j * stride) % banks; count.set(b, (count.get(b) ?? 0) + 1); }
  return Math.max(...count.values()) - 1;
}

/** JavaScript source of the function for line `pc`. */
export function lineSource(line: ExecLine, pc: number, t: TargetDesc, plan: HazardPlan, loopEnds: Set<number>): string {
  const e = new LineEmitter(pc, t);
  const readRegs = plan.checks[pc]!;
  const rdy: string[] = [];
  const track = (r: number, lat: number): void => {
    if (lat > 1 && plan.tracked.has(r)) rdy.push(`if (RDY[${r}] < t + ${lat}) RDY[${r}] = t + ${lat};`);
  };
  for (const s of line.slots) {
    const d: InstrDef = instr(s.op)!;
    const deps = d.deps(s.f);
    for (const r of deps.writes) track(r, t.latency[d.lat]);
    for (const r of deps.agWrites ?? []) track(r, t.latency.agu);
    d.emit(e, s.f);
  }
  const out: string[] = [`let t = ST[0]; let npc = ${pc + 1}; let x = 0;`];
  if (readRegs.size) {
    out.push('const c0 = t;');
    for (const r of readRegs) out.push(`if (RDY[${r}] > t) t = RDY[${r}];`);
    out.push(`if (t > c0) { const s = t - c0; STALL[${pc * 4}] += s; ST[2] += s; }`);
  }
  out.push(...e.reads);
  const banks = t.memory.banksPerBlock;
  if (e.mems.length === 1) {
    const m = e.mems[0]!;
    const c = staticConflict(m.lanes, m.stride, banks);
    if (c) out.push(`{ const w = ${c}; ST[1]++; H.bankEvent(${pc}, w, t); ${stallCode(pc, 1, 'w')} }`);
  } else if (e.mems.length > 1) {
    let i = 0;
    for (const m of e.mems) {
      const n = m.stride === 0 ? 1 : m.lanes;
      for (let j = 0; j < n; j++) out.push(`BA[${i++}] = ${m.b}${j ? ` + ${j * m.stride}` : ''};`);
    }
    out.push(`{ const w = H.conflicts(${i}); if (w) { ST[1]++; H.bankEvent(${pc}, w, t); } ${stallCode(pc, 1, 'w')} }`);
  }
  out.push(...e.writes, ...rdy);
  if (loopEnds.has(pc + 1)) out.push(`if (npc === ${pc + 1}) npc = H.loopEnd(${pc + 1});`);
  out.push(`if (x) { STALL[${pc * 4 + 3}] += x; ST[5] += x; }`, `CNT[${pc}]++;`, 'ST[0] = t + 1 + x;', 'return npc;');
  return out.join('\n');
}

/** Compile every line (plus the end-of-program sentinel at index lines.length). */
export function compileLines(lines: readonly ExecLine[], t: TargetDesc, env: LineEnv): LineFn[] {
  const plan = planHazards(lines, t);
  const loopEnds = new Set<number>();
  lines.forEach((line, pc) => {
    for (const s of line.slots) if (s.op === 'loop' || s.op === 'loopr') loopEnds.add(pc + s.f.L!);
  });
  const fns: LineFn[] = lines.map((line, pc) => {
    const body = lineSource(line, pc, t, plan, loopEnds);
    const make = new Function('K', `const {I, F, A, MI, MF, RDY, ST, STALL, CNT, BA, H} = K;\nreturn function line_${pc}() {\n${body}\n};`);
    return make(env) as LineFn;
  });
  const n = lines.length;
  const endBody = `let t = ST[0]; const w = H.dmaDrain(t); ${stallCode(n, 2, 'w')} ST[0] = t; return -1;`;
  fns.push(new Function('K', `const {ST, STALL, H} = K;\nreturn function end() {\n${endBody}\n};`)(env) as LineFn);
  return fns;
}
