// The simulator: loads a Program for a target (legality checked and every line compiled once),
// holds machine state, lets callers set named inputs and read outputs, and runs in 'fast' or
// 'traced' mode (chosen per run) with a cycle limit and an AbortSignal, yielding periodically.
import { type ExecLine, N_GLOBAL_REGS, RETURN_STACK_DEPTH, type Program, UNIT_CLASSES, checkLine, disasmLine, instr, lanes, lineUsage } from '../isa/index.js';
import { getTarget, chipWords, type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { type LineEnv, type LineFn, type LineHelpers, compileLines, fuseLoops } from './compile.js';
import { DmaEngine, type DmaEvent } from './dma.js';
import { ChipMemory, DdrMemory, Registers } from './memory.js';
import { type LineStatic, type Profile, type TimelineSample, buildProfile, rangeFigures } from './profile.js';

export interface RunOptions {
  mode?: 'fast' | 'traced';
  /** Fault with SIM_CYCLE_LIMIT past this many cycles (default 1e9). */
  maxCycles?: number;
  signal?: AbortSignal;
  /** Traced mode: cycles per timeline sample (default 1000). */
  sampleEvery?: number;
  /** Traced mode: called before each execution line issues. */
  onLine?: (pc: number, cycle: number) => void;
}

export interface RunResult { cycles: number; profile: Profile; events?: TraceEvent[] }
export type TraceEvent = { kind: 'bank'; pc: number; cycle: number; extra: number } | ({ kind: 'dma' } & DmaEvent);

const CHUNK = 1 << 18;
const CHUNK_CYCLES = 1 << 23;

export class Simulator {
  readonly target: TargetDesc;
  private regs = new Registers();
  readonly chip: ChipMemory;
  readonly ddr: DdrMemory;
  private dmaEngine: DmaEngine;
  private env: LineEnv;
  private fns: LineFn[];
  private fastFns: LineFn[] | undefined;
  private ls: LineStatic;
  private loopStart = new Int32Array(64);
  private loopEnd = new Int32Array(64);
  private loopLeft = new Float64Array(64);
  private lsp = 0;
  private retStack = new Int32Array(RETURN_STACK_DEPTH);
  private rsp = 0;
  private bankGen = 0;
  private stamp = new Int32Array(0);
  private count = new Int32Array(0);
  private events: TraceEvent[] | undefined;
  private last: Profile | undefined;

  constructor(readonly program: Program, target: TargetDesc = getTarget()) {
    this.target = target;
    this.validate();
    this.chip = new ChipMemory(chipWords(target));
    this.ddr = new DdrMemory(target.ddr.words);
    const fault = (code: string, pc: number, msg: string, hint?: string): never => { throw this.fault(code, pc, msg, hint); };
    this.dmaEngine = new DmaEngine(target, this.chip, this.ddr, fault);
    const n = program.lines.length;
    this.env = {
      I: this.regs.I, F: this.regs.F, A: this.regs.A, MI: this.chip.I, MF: this.chip.F,
      RDY: new Float64Array(N_GLOBAL_REGS), ST: new Float64Array(8), STALL: new Float64Array((n + 1) * 4),
      CNT: new Float64Array(n + 1), BA: new Int32Array(64), H: this.helpers(fault),
    };
    this.ls = this.lineStatic();
    this.fns = compileLines(program.lines, target, this.env);
    this.reset();
  }

  /** Registers cleared, memory re-initialized from the program's data sections. */
  reset(): void {
    this.regs.clear();
    this.chip.I.fill(0);
    this.ddr.clear();
    for (const d of this.program.data) {
      if (d.space === 'chip') this.chip.I.set(new Int32Array(d.words.buffer, d.words.byteOffset, d.words.length), d.base);
      else d.words.forEach((w, i) => this.ddr.write(d.base + i, w | 0));
    }
  }

  private validate(): void {
    const n = this.program.lines.length;
    this.program.lines.forEach((line, pc) => {
      const prob = checkLine(line, this.target);
      if (prob) throw this.fault(prob.code, pc, prob.message, prob.hint);
      for (const s of line.slots) {
        const d = instr(s.op)!;
        for (const fd of d.fields) {
          if (fd.kind !== 'rel' && fd.kind !== 'abs') continue;
          const to = fd.kind === 'rel' ? pc + s.f[fd.name]! : s.f[fd.name]!;
          if (to < 0 || to > n) throw this.fault('SIM_BAD_TARGET', pc, `${s.op} targets line ${to}, outside 0..${n}`);
        }
      }
    });
    if (this.program.entry < 0 || this.program.entry > n) throw this.fault('SIM_BAD_TARGET', 0, `entry line ${this.program.entry} outside 0..${n}`);
  }

  private lineStatic(): LineStatic {
    const n = this.program.lines.length;
    const ls: LineStatic = { busy: new Float64Array((n + 1) * 4), flops: new Float64Array(n + 1), rd: new Float64Array(n + 1), wr: new Float64Array(n + 1) };
    this.program.lines.forEach((line: ExecLine, pc) => {
      const use = lineUsage(line, this.target);
      UNIT_CLASSES.forEach((u, i) => { ls.busy[pc * 4 + i] = use.reduce((a, m) => a + m[u], 0); });
      for (const s of line.slots) {
        const d = instr(s.op)!;
        const nl = lanes(s.f.m ?? 0).length;
        ls.flops[pc]! += d.flopsPerSlot ?? d.flops * nl;
        if (s.op === 'load') ls.rd[pc]! += s.f.n === 0 ? 1 : nl;
        if (s.op === 'store') ls.wr[pc]! += nl;
      }
    });
    return ls;
  }

  /** A BwvmError for a fault at line `pc`, naming the source line. */
  private fault(code: string, pc: number, msg: string, hint?: string): BwvmError {
    const line = this.program.lines[pc];
    const loc = line?.loc;
    const where = loc ? ` (${loc.file ?? 'source'}:${loc.line})` : '';
    let text: string | undefined;
    try { text = line ? disasmLine(line, pc) : undefined; } catch { text = undefined; }
    return new BwvmError(code, `pc ${pc}${where}: ${msg}${text ? `\n  in: ${text}` : ''}`,
      { hint, details: { pc, line: loc?.line, cycle: this.env?.ST[0], instruction: text } });
  }

  private helpers(fault: (code: string, pc: number, msg: string, hint?: string) => never): LineHelpers {
    const chipW = chipWords(this.target);
    const t = this.target;
    const banks = t.memory.banksPerBlock;
    const blockWords = t.memory.blockWords;
    this.stamp = new Int32Array(banks * t.memory.blocks + banks);
    this.count = new Int32Array(banks * t.memory.blocks + banks);
    const loopEnd = (next: number): number => {
      while (this.lsp > 0 && this.loopEnd[this.lsp - 1] === next) {
        if (--this.loopLeft[this.lsp - 1]! > 0) return this.loopStart[this.lsp - 1]!;
        this.lsp--;
      }
      return next;
    };
    return {
      f2i: (x) => (Number.isNaN(x) ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x)),
      fault: (code, pc, msg) => fault(code, pc, msg),
      wget: (lo, hi) => hi * 4294967296 + (lo >>> 0),
      wlo: (v) => (v - Math.floor(v / 4294967296) * 4294967296) | 0,
      whi: (v) => Math.floor(v / 4294967296) | 0,
      rnd: (v, n) => {
        const r = n === 0 ? v : Math.floor((v + 2 ** (n - 1)) / 2 ** n);
        return r > 2147483647 ? 2147483647 : r < -2147483648 ? -2147483648 : r;
      },
      badAddr: (pc, addr, span, store) => fault('SIM_BAD_ADDRESS', pc,
        `${store ? 'store to' : 'load from'} on-chip words ${addr}..${addr + span - 1} outside 0..${chipW - 1}`,
        'check the address register (u/v/w) set-up and its post-increment'),
      misaligned: (pc, addr, w) => fault('SIM_MISALIGNED', pc, `${w}-word access at address ${addr} is not ${w}-word aligned`,
        `align the array to ${w} words (.align ${w}) or use one access per macro`),
      conflicts: (n) => {
        // bank conflicts among n word addresses in BA: max over (block, bank) of distinct addresses - 1
        const BA = this.env.BA;
        const gen = ++this.bankGen;
        const { stamp, count } = this;
        let worst = 0;
        for (let i = 0; i < n; i++) {
          const a = BA[i]!;
          const k = (a % banks) + banks * Math.floor(a / blockWords);
          if (stamp[k] !== gen) { stamp[k] = gen; count[k] = 1; continue; }
          let dup = false;
          for (let j = 0; j < i; j++) if (BA[j] === a) { dup = true; break; }
          if (dup) continue;
          const c = ++count[k]!;
          if (c - 1 > worst) worst = c - 1;
        }
        return worst;
      },
      bankEvent: (pc, extra, cycle) => { this.events?.push({ kind: 'bank', pc, cycle, extra }); },
      loopStart: (pc, end, count) => {
        if (count <= 0) return end;
        if (this.lsp >= t.loopDepth) fault('SIM_LOOP_DEPTH', pc, `more than ${t.loopDepth} nested zero-overhead loops`, 'use a counted branch for the outer loop');
        this.loopStart[this.lsp] = pc + 1; this.loopEnd[this.lsp] = end; this.loopLeft[this.lsp] = count; this.lsp++;
        return pc + 1;
      },
      call: (pc, target, ret) => {
        if (this.rsp >= RETURN_STACK_DEPTH) {
          fault('SIM_CALL_DEPTH', pc, `return-address stack overflow: more than ${RETURN_STACK_DEPTH} nested calls`,
            'calls nest at most ' + RETURN_STACK_DEPTH + ' deep (look for unbounded recursion or a missing ret)');
        }
        this.retStack[this.rsp++] = ret;
        return target;
      },
      ret: (pc) => {
        if (this.rsp <= 0) fault('SIM_RET_EMPTY', pc, 'ret with an empty return-address stack (no matching call)', 'reach a subroutine only through call, or end the main program with halt');
        const to = this.retStack[--this.rsp]!;
        return loopEnd(to); // a call as the last line of a loop body returns to the loop end
      },
      loopDepthCheck: (pc) => {
        if (this.lsp >= t.loopDepth) fault('SIM_LOOP_DEPTH', pc, `more than ${t.loopDepth} nested zero-overhead loops`, 'use a counted branch for the outer loop');
      },
      loopEnd,
      dmaStart: (ch, dir, s, d, l, r, ss, ds, cyc, pc) => this.dmaEngine.start(ch, dir, s, d, l, r, ss, ds, cyc, pc),
      dmaWait: (ch, cyc) => this.dmaEngine.wait(ch, cyc),
      dmaDrain: (cyc) => this.dmaEngine.drain(cyc),
    };
  }

  // ---- inputs and outputs -------------------------------------------------------------------

  private sym(name: string, n: number | undefined) {
    const s = this.program.symbols[name];
    if (!s || s.space === 'code') {
      const known = Object.values(this.program.symbols).filter((x) => x.space !== 'code').map((x) => x.name);
      throw new BwvmError('SIM_UNKNOWN_SYMBOL', `no data symbol '${name}' in the program`, { hint: `data symbols: ${known.join(', ') || '(none)'}` });
    }
    if (n !== undefined && n > s.size) {
      throw new BwvmError('SIM_SYMBOL_SIZE', `'${name}' holds ${s.size} words; ${n} requested`, { hint: `reserve more words for ${name} (.space N)` });
    }
    return s;
  }

  /** Write raw 32-bit words at a data symbol. */
  writeWords(name: string, words: Int32Array | Uint32Array, offset = 0): void {
    const s = this.sym(name, words.length + offset);
    if (s.space === 'chip') this.chip.I.set(new Int32Array(words.buffer, words.byteOffset, words.length), s.addr + offset);
    else words.forEach((w, i) => this.ddr.write(s.addr + offset + i, w | 0));
  }

  /** Set a named input array: numbers as fp32 (number[] / Float32Array) or raw int32 (Int32Array). */
  setInput(name: string, values: ArrayLike<number> | Float32Array | Int32Array, offset = 0): void {
    const words = values instanceof Int32Array ? values : new Int32Array(Float32Array.from(values as ArrayLike<number>).buffer);
    this.writeWords(name, words, offset);
  }

  /** Raw words of a data symbol (all of it by default). */
  readWords(name: string, n?: number, offset = 0): Int32Array {
    const s = this.sym(name, n === undefined ? undefined : n + offset);
    const len = n ?? s.size - offset;
    if (s.space === 'chip') return this.chip.I.slice(s.addr + offset, s.addr + offset + len);
    return Int32Array.from({ length: len }, (_, i) => this.ddr.read(s.addr + offset + i));
  }

  readOutput(name: string, n?: number, offset = 0): Float32Array {
    return new Float32Array(this.readWords(name, n, offset).buffer);
  }

  readInt32(name: string, n?: number, offset = 0): Int32Array {
    return this.readWords(name, n, offset);
  }

  /** Register values (for tests and debugging). */
  reg(macro: number, r: number): number { return this.regs.I[macro * 64 + r]!; }
  freg(macro: number, r: number): number { return this.regs.F[macro * 64 + r]!; }
  agReg(g: number, i: number): number { return this.regs.A[g * 16 + i]!; }

  // ---- running ----------------------------------------------------------------------------------

  private begin(opts: RunOptions): void {
    const e = this.env;
    this.regs.clear();
    e.RDY.fill(0); e.ST.fill(0); e.STALL.fill(0); e.CNT.fill(0);
    this.lsp = 0;
    this.rsp = 0;
    this.dmaEngine.reset();
    this.events = opts.mode === 'traced' ? [] : undefined;
    this.dmaEngine.events = undefined;
  }

  /** Run from the entry line to halt (or the end). Yields to the event loop every ~256K lines. */
  async run(opts: RunOptions = {}): Promise<RunResult> {
    return this.execute(opts, true) as Promise<RunResult>;
  }

  /** Same as run() without yielding (still honours signal and maxCycles). */
  runSync(opts: RunOptions = {}): RunResult {
    return this.execute(opts, false) as RunResult;
  }

  private execute(opts: RunOptions, async: boolean): RunResult | Promise<RunResult> {
    this.begin(opts);
    const traced = opts.mode === 'traced';
    const dmaEvents: DmaEvent[] = [];
    if (traced) this.dmaEngine.events = dmaEvents;
    const max = opts.maxCycles ?? 1e9;
    const every = Math.max(1, opts.sampleEvery ?? 1000);
    const samples: TimelineSample[] = [];
    const state = { pc: this.program.entry, sampleStart: 0, sampleLine: new Float64Array(0) };
    const snap = traced ? { cnt: new Float64Array(this.env.CNT.length), stall: new Float64Array(this.env.STALL.length) } : undefined;
    const finish = (): RunResult => {
      const e = this.env;
      if (snap) flushSample(true);
      const timeline = traced ? { every, samples } : undefined;
      this.last = buildProfile(this.target, this.program, this.ls, e.CNT, e.STALL, e.ST[0]!, e.ST[1]!, { ...this.dmaEngine.stats }, timeline);
      const events = traced ? [...(this.events ?? []), ...dmaEvents.map((d) => ({ kind: 'dma' as const, ...d }))] : undefined;
      return { cycles: e.ST[0]!, profile: this.last, ...(events ? { events } : {}) };
    };
    const flushSample = (force: boolean): void => {
      const e = this.env;
      const now = e.ST[0]!;
      if (!force && now - state.sampleStart < every) return;
      if (now === state.sampleStart) return;
      // per-sample figures = difference of per-line counters since the last sample
      const dc = e.CNT.map((c, i) => c - snap!.cnt[i]!);
      const ds = e.STALL.map((s, i) => s - snap!.stall[i]!);
      const f = rangeFigures(this.target, this.ls, dc, ds, 0, this.program.lines.length + 1);
      samples.push({ start: state.sampleStart, ...f, cycles: now - state.sampleStart,
        efficiency: f.flops / (this.target.macros * this.target.units.MUL * 2 * (now - state.sampleStart)) });
      snap!.cnt.set(e.CNT); snap!.stall.set(e.STALL);
      state.sampleStart = now;
    };
    if (!traced) this.fastFns ??= fuseLoops(this.program.lines, this.target, this.env, this.fns);
    const step = (): boolean => {
      // returns true when finished
      const fns = traced ? this.fns : this.fastFns!;
      const ST = this.env.ST;
      let pc = state.pc;
      // a chunk ends after CHUNK calls or CHUNK_CYCLES cycles (a fused loop is one call)
      const stop = ST[0]! + CHUNK_CYCLES;
      if (!traced) {
        for (let i = 0; i < CHUNK; i++) {
          pc = fns[pc]!();
          if (pc < 0) return true;
          if (ST[0]! > max) this.runaway(pc, max);
          if (ST[0]! > stop) break;
        }
      } else {
        const onLine = opts.onLine;
        for (let i = 0; i < CHUNK >> 4; i++) {
          onLine?.(pc, ST[0]!);
          pc = fns[pc]!();
          if (pc < 0) return true;
          if (ST[0]! > max) this.runaway(pc, max);
          if (ST[0]! - state.sampleStart >= every) flushSample(false);
        }
      }
      state.pc = pc;
      return false;
    };
    const aborted = (): void => {
      if (opts.signal?.aborted) throw new BwvmError('SIM_ABORTED', `simulation interrupted at pc ${state.pc}, cycle ${this.env.ST[0]}`);
    };
    // Anything but a BwvmError escaping a compiled line is a simulator bug: report it as data.
    const guarded = (): boolean => {
      try { return step(); } catch (e) {
        if (e instanceof BwvmError) throw e;
        throw this.fault('SIM_INTERNAL', state.pc, `internal simulator error: ${(e as Error)?.message ?? String(e)}`,
          'please report this with the program that triggers it');
      }
    };
    if (!async) {
      for (;;) { aborted(); if (guarded()) return finish(); }
    }
    return (async () => {
      for (;;) {
        aborted();
        if (guarded()) return finish();
        await new Promise<void>((r) => setImmediate(r));
      }
    })();
  }

  private runaway(pc: number, max: number): never {
    throw this.fault('SIM_CYCLE_LIMIT', pc, `no halt after ${max} cycles (runaway loop?)`, 'raise maxCycles or check the loop exit condition');
  }

  /** Profile of the last run. */
  profile(): Profile {
    if (!this.last) throw new BwvmError('SIM_NOT_RUN', 'no profile yet: run the simulator first');
    return this.last;
  }
}
