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
  /** 64-bit accumulator pair <-> number. */
  wget(lo: number, hi: number): number;
  wlo(v: number): number;
  whi(v: number): number;
  /** Round v / 2^n half up and saturate to int32. */
  rnd(v: number, n: number): number;
  fault(code: string, pc: number, msg: string): never;
  badAddr(pc: number, addr: number, span: number, store: boolean): never;
  misaligned(pc: number, addr: number, width: number): never;
  conflicts(n: number): number;
  bankEvent(pc: number, extra: number, t: number): void;
  loopStart(pc: number, end: number, count: number): number;
  /** Push the return address `ret` (faults when the return-address stack is full); returns `target`. */
  call(pc: number, target: number, ret: number): number;
  /** Pop a return address (faults when the stack is empty); returns the next PC. */
  ret(pc: number): number;
  loopEnd(next: number): number;
  loopDepthCheck(pc: number): void;
  dmaStart(ch: number, dir: number, s: number, d: number, l: number, r: number, ss: number, ds: number, t: number, pc: number): number;
  dmaWait(ch: number, t: number): number;
  dmaDrain(t: number): number;
}

export type LineFn = () => number;

const stallCode = (pc: number, cause: number, v: string): string =>
  `if (${v}) { t += ${v}; STALL[${pc * 4 + cause}] += ${v}; ST[${2 + cause}] += ${v}; }`;

class LineEmitter implements Emit {
  /** Code per slot: its read-phase and write-phase statements. */
  readonly segs: Array<{ reads: string[]; writes: string[] }> = [];
  readonly mems: Array<{ b: string; lanes: number; stride: number }> = [];
  private n = 0;
  constructor(readonly pc: number, private t: TargetDesc, private fused = false) {}
  beginSlot(): void { this.segs.push({ reads: [], writes: [] }); }
  private get reads(): string[] { return this.segs[this.segs.length - 1]!.reads; }
  private get writes(): string[] { return this.segs[this.segs.length - 1]!.writes; }
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
  call(target: number): void {
    this.writes.push(`npc = H.call(${this.pc}, ${target}, ${this.pc + 1}); x = ${this.t.branchPenalty};`);
  }
  ret(): void {
    this.writes.push(`npc = H.ret(${this.pc}); x = ${this.t.branchPenalty};`);
  }
  halt(): void {
    this.writes.push(`npc = -1; { const w = H.dmaDrain(t); ${stallCode(this.pc, 2, 'w')} }`);
  }
  loop(end: number, count: string): void {
    this.writes.push(this.fused ? `cnt = ${count};` : `npc = H.loopStart(${this.pc}, ${end}, ${count});`);
  }
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

type BlockMode = 'line' | 'head' | 'body';

/** True when no slot writes a register another slot reads, memory is touched by at most one slot
 *  if any slot stores, and there is no DMA slot: then slot-by-slot execution equals VLIW order. */
export function noIntraLineHazard(line: ExecLine): boolean {
  const deps = line.slots.map((s) => instr(s.op)!.deps(s.f));
  const mem = line.slots.filter((s) => s.op === 'load' || s.op === 'store').length;
  if (line.slots.some((s) => instr(s.op)!.dma)) return false;
  if (mem > 1 && line.slots.some((s) => s.op === 'store')) return false;
  for (let i = 0; i < deps.length; i++) {
    const w = [...deps[i]!.writes, ...(deps[i]!.agWrites ?? [])];
    for (let j = 0; j < deps.length; j++) {
      if (i !== j && w.some((r) => deps[j]!.reads.includes(r))) return false;
    }
  }
  return true;
}

/**
 * JavaScript block for line `pc`, operating on the enclosing function's `cy` (cycle) and `npc`.
 * 'line': a whole line; 'head': a loop line whose loop is fused (sets `cnt` instead of pushing the
 * loop stack); 'body': a line inside a fused loop (no control flow, counted after the loop).
 */
export function lineBlock(line: ExecLine, pc: number, t: TargetDesc, plan: HazardPlan, loopEnds: Set<number>, mode: BlockMode): string {
  const e = new LineEmitter(pc, t, mode === 'head');
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
    e.beginSlot();
    d.emit(e, s.f);
  }
  const direct = noIntraLineHazard(line);
  const out: string[] = ['{', 'let t = cy; let x = 0;'];
  if (readRegs.size) {
    out.push('const c0 = t;');
    for (const r of readRegs) out.push(`if (RDY[${r}] > t) t = RDY[${r}];`);
    out.push(`if (t > c0) { const s = t - c0; STALL[${pc * 4}] += s; ST[2] += s; }`);
  }
  // VLIW semantics: every slot reads before any slot writes. When no slot writes what another
  // slot reads (the common case) each slot's writes directly follow its reads (fewer live temps).
  const bank: string[] = [];
  const banks = t.memory.banksPerBlock;
  if (e.mems.length === 1) {
    const m = e.mems[0]!;
    const c = staticConflict(m.lanes, m.stride, banks);
    if (c) bank.push(`{ const w = ${c}; ST[1]++; H.bankEvent(${pc}, w, t); ${stallCode(pc, 1, 'w')} }`);
  } else if (e.mems.length > 1) {
    let i = 0;
    for (const m of e.mems) {
      const n = m.stride === 0 ? 1 : m.lanes;
      for (let j = 0; j < n; j++) bank.push(`BA[${i++}] = ${m.b}${j ? ` + ${j * m.stride}` : ''};`);
    }
    bank.push(`{ const w = H.conflicts(${i}); if (w) { ST[1]++; H.bankEvent(${pc}, w, t); } ${stallCode(pc, 1, 'w')} }`);
  }
  if (direct) {
    for (const sg of e.segs) out.push(...sg.reads, ...sg.writes);
    out.push(...bank);
  } else {
    for (const sg of e.segs) out.push(...sg.reads);
    out.push(...bank);
    for (const sg of e.segs) out.push(...sg.writes);
  }
  out.push(...rdy);
  if (mode === 'line' && loopEnds.has(pc + 1)) out.push(`if (npc === ${pc + 1}) npc = H.loopEnd(${pc + 1});`);
  out.push(`if (x) { STALL[${pc * 4 + 3}] += x; ST[5] += x; }`);
  if (mode !== 'body') out.push(`CNT[${pc}]++;`);
  out.push('cy = t + 1 + x;', '}');
  return out.join('\n');
}

/** JavaScript source of the function for line `pc` (returns the next PC, -1 to stop). */
export function lineSource(line: ExecLine, pc: number, t: TargetDesc, plan: HazardPlan, loopEnds: Set<number>): string {
  return `let cy = ST[0]; let npc = ${pc + 1};\n${lineBlock(line, pc, t, plan, loopEnds, 'line')}\nST[0] = cy; return npc;`;
}

/** Iterations above which a fused loop falls back to line-by-line stepping (keeps runs interruptible). */
export const FUSE_MAX = 1 << 16;

/**
 * Fast-mode function for a zero-overhead loop at line `s` whose body (s+1 .. end-1) has no control
 * flow: runs every iteration inline. Undefined when the loop is not eligible.
 */
export function fusedLoopSource(lines: readonly ExecLine[], s: number, t: TargetDesc, plan: HazardPlan, loopEnds: Set<number>): string | undefined {
  const slot = lines[s]!.slots.find((x) => x.op === 'loop' || x.op === 'loopr');
  if (!slot) return undefined;
  const end = s + slot.f.L!;
  if (end <= s + 1 || end > lines.length || loopEnds.has(s + 1)) return undefined;
  for (let pc = s + 1; pc < end; pc++) {
    if (lines[pc]!.slots.some((x) => instr(x.op)!.ctl)) return undefined;
    if (pc + 1 < end && loopEnds.has(pc + 1)) return undefined;
  }
  const body: string[] = [];
  for (let pc = s + 1; pc < end; pc++) body.push(lineBlock(lines[pc]!, pc, t, plan, loopEnds, 'body'));
  const counts: string[] = [];
  for (let pc = s + 1; pc < end; pc++) counts.push(`CNT[${pc}] += cnt;`);
  return [
    `let cy = ST[0]; let npc = ${end}; let cnt = 0;`,
    lineBlock(lines[s]!, s, t, plan, loopEnds, 'head'),
    `if (cnt > ${FUSE_MAX}) { npc = H.loopStart(${s}, ${end}, cnt); }`,
    `else if (cnt > 0) {`,
    `H.loopDepthCheck(${s});`,
    `for (let it = 0; it < cnt; it++) {`, ...body, '}',
    ...counts,
    `npc = H.loopEnd(${end});`,
    '}',
    'ST[0] = cy; return npc;',
  ].join('\n');
}

const HEADER = 'const {I, F, A, MI, MF, RDY, ST, STALL, CNT, BA, H} = K;';

function makeFn(name: string, body: string, env: LineEnv): LineFn {
  return new Function('K', `${HEADER}\nreturn function ${name}() {\n${body}\n};`)(env) as LineFn;
}

function loopEndsOf(lines: readonly ExecLine[]): Set<number> {
  const loopEnds = new Set<number>();
  lines.forEach((line, pc) => {
    for (const s of line.slots) if (s.op === 'loop' || s.op === 'loopr') loopEnds.add(pc + s.f.L!);
  });
  return loopEnds;
}

/** Compile every line (plus the end-of-program sentinel at index lines.length): the traced-mode set. */
export function compileLines(lines: readonly ExecLine[], t: TargetDesc, env: LineEnv, plan = planHazards(lines, t)): LineFn[] {
  const loopEnds = loopEndsOf(lines);
  const fns: LineFn[] = lines.map((line, pc) => makeFn(`line_${pc}`, lineSource(line, pc, t, plan, loopEnds), env));
  const n = lines.length;
  const endBody = `let t = ST[0]; const w = H.dmaDrain(t); ${stallCode(n, 2, 'w')} ST[0] = t; return -1;`;
  fns.push(makeFn('end', endBody, env));
  return fns;
}

/** The fast-mode set: `base` with eligible zero-overhead loops replaced by fused functions. */
export function fuseLoops(lines: readonly ExecLine[], t: TargetDesc, env: LineEnv, base: LineFn[], plan = planHazards(lines, t)): LineFn[] {
  const loopEnds = loopEndsOf(lines);
  return base.map((fn, pc) => {
    const src = pc < lines.length ? fusedLoopSource(lines, pc, t, plan, loopEnds) : undefined;
    return src ? makeFn(`loop_${pc}`, src, env) : fn;
  });
}
