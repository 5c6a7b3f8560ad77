// List scheduler for dsplib kernels: packs a straight-line list of loads, stores, address
// updates and fp32 multiply-accumulates into execution lines, respecting the target's issue
// width, MUL/ALU counts, one access per address generator per line, bank conflicts, latencies
// and a register pool (virtual operand registers get physical ones at load, freed after last use).
import type { TargetDesc } from '../target/index.js';
import type { LatencyClass } from '../isa/index.js';
import { BwvmError } from '../util/errors.js';

/** An address register: generator 0..2 (u, v, w) and index 0..15. */
export interface Stream { ag: number; ar: number }

/** A register operand: virtual (allocated from the pool) or pinned to a physical register. */
export type Reg = { v: number } | { p: number };

export type Op =
  | { kind: 'load'; stream: number; inc: number; mask: string; n: number; dst: Reg; bank: number[]; addr: number[]; prio: number }
  | { kind: 'store'; stream: number; inc: number; mask: string; n: number; src: Reg; bank: number[]; addr: number[]; prio: number }
  | { kind: 'agadd'; stream: number; imm: number; prio: number }
  | { kind: 'fmac'; acc: number; a: Reg; b: Reg; prio: number; op?: ArithForm };

export type ArithForm = 'fmac' | 'fmul' | 'fadd' | 'add2' | 'max2' | 'min2' | ExtraForm;
/** Forms for transcendental / reduction kernels (activation.ts, softmax.ts, gemm.ts epilogues). */
export type ExtraForm = 'sub2' | 'fmsub' | 'mov' | 'iadd2' | 'shl2' | 'and2' | 'or2' | 'abs' | 'recip' | 'fsumx' | 'fsumy' | 'fsumz' | 'fsumt' | 'fsum' | 'xferx' | 'xfery' | 'xferz' | 'xfert' | FixedForm;
/** Fixed-point forms (qdense.ts): MACs into the pair r{acc}:p, int32 arithmetic, lane isum, saturation. */
export type FixedForm = 'mac16' | 'mac8' | 'imul' | 'shli16' | 'shri16' | 'lsri16' | 'ishr' | 'isumx' | 'isumy' | 'isumz' | 'isumt' | 'sat8' | 'sat16' | PairForm;
/** qconv forms: pack16, saturating add, xor, rounding shift of the pair r{a}:p (b: the high word, a dependency only). */
export type PairForm = 'pack16' | 'adds2' | 'xor2' | 'rndsh0' | 'rndsh16';
export type Unit = 'MUL' | 'ALU' | 'SHF' | 'SPU';
const X = (text: (d: number, a: number, b: number) => string, lat: LatencyClass, readsD: boolean, unit?: Unit, lane?: number) => ({ text, lat, readsD, unit, lane });
const isum = (lane: number) => X((d, a) => `${'xyzt'[lane]} r${d} = sum r${a}`, 'reduce', false, 'SPU', lane);
const fsum = (lane: number) => X((d, a) => `${'xyzt'[lane]} fr${d} = sum fr${a}`, 'reduce', false, 'SPU', lane);

/** Arithmetic forms: fmac d += a*b, fmul d = a*b (starts an accumulation), fadd d = d + b (a unused). */
const ARITH = {
  fmac: { text: (d: number, a: number, b: number) => `xyzt fr${d} += fr${a} * fr${b}`, lat: 'fmac' as const, readsD: true },
  fmul: { text: (d: number, a: number, b: number) => `xyzt fr${d} = fr${a} * fr${b}`, lat: 'fmul' as const, readsD: false },
  fadd: { text: (d: number, _a: number, b: number) => `xyzt fr${d} = fr${d} + fr${b}`, lat: 'fadd' as const, readsD: true },
  add2: { text: (d: number, a: number, b: number) => `xyzt fr${d} = fr${a} + fr${b}`, lat: 'fadd' as const, readsD: false },
  max2: { text: (d: number, a: number, b: number) => `xyzt fr${d} = max(fr${a}, fr${b})`, lat: 'fadd' as const, readsD: false },
  min2: { text: (d: number, a: number, b: number) => `xyzt fr${d} = min(fr${a}, fr${b})`, lat: 'fadd' as const, readsD: false },
  sub2: X((d, a, b) => `xyzt fr${d} = fr${a} - fr${b}`, 'fadd', false),
  fmsub: X((d, a, b) => `xyzt fr${d} -= fr${a} * fr${b}`, 'fmac', true),
  mov: X((d, a) => `xyzt r${d} = r${a}`, 'alu', false, 'ALU'),
  iadd2: X((d, a, b) => `xyzt r${d} = r${a} + r${b}`, 'alu', false, 'ALU'),
  shl2: X((d, a, b) => `xyzt r${d} = r${a} << r${b}`, 'shf', false, 'SHF'),
  and2: X((d, a, b) => `xyzt r${d} = r${a} & r${b}`, 'alu', false, 'ALU'),
  or2: X((d, a, b) => `xyzt r${d} = r${a} | r${b}`, 'alu', false, 'ALU'),
  abs: X((d, a) => `xyzt fr${d} = abs fr${a}`, 'alu', false, 'ALU'),
  recip: X((d, a) => `xyzt fr${d} = recip fr${a}`, 'spu', false, 'SPU'),
  fsumx: fsum(0), fsumy: fsum(1), fsumz: fsum(2), fsumt: fsum(3),
  fsum: X((d, a) => `xyzt fr${d} = sum fr${a}`, 'reduce', false, 'SPU'),
  xferx: X((d, a) => `xyzt fr${d} = xfr${a}`, 'xfer', false, 'ALU'), xfery: X((d, a) => `xyzt fr${d} = yfr${a}`, 'xfer', false, 'ALU'),
  mac16: X((d, a, b) => `xyzt r${d}:p += mac16 r${a}, r${b}`, 'fmac', true, 'MUL'),
  mac8: X((d, a, b) => `xyzt r${d}:p += mac8 r${a}, r${b}`, 'fmac', true, 'MUL'),
  imul: X((d, a, b) => `xyzt r${d} = r${a} * r${b}`, 'fmul', false, 'MUL'),
  shli16: X((d, a) => `xyzt r${d} = r${a} << 16`, 'shf', false, 'SHF'),
  shri16: X((d, a) => `xyzt r${d} = r${a} >> 16`, 'shf', false, 'SHF'),
  lsri16: X((d, a) => `xyzt r${d} = r${a} >>> 16`, 'shf', false, 'SHF'),
  ishr: X((d, a, b) => `xyzt r${d} = r${a} >> r${b}`, 'shf', false, 'SHF'),
  isumx: isum(0), isumy: isum(1), isumz: isum(2), isumt: isum(3),
  sat8: X((d, a) => `xyzt r${d} = sat8 r${a}`, 'alu', false, 'ALU'),
  sat16: X((d, a) => `xyzt r${d} = sat16 r${a}`, 'alu', false, 'ALU'),
  pack16: X((d, a, b) => `xyzt r${d} = pack16 r${a}, r${b}`, 'alu', false, 'ALU'),
  adds2: X((d, a, b) => `xyzt r${d} = adds(r${a}, r${b})`, 'alu', false, 'ALU'),
  xor2: X((d, a, b) => `xyzt r${d} = r${a} ^ r${b}`, 'alu', false, 'ALU'),
  rndsh0: X((d, a) => `xyzt r${d} = rnd r${a}:p >> 0`, 'shf', false, 'SHF'),
  rndsh16: X((d, a) => `xyzt r${d} = rnd r${a}:p >> 16`, 'shf', false, 'SHF'),
  xferz: X((d, a) => `xyzt fr${d} = zfr${a}`, 'xfer', false, 'ALU'), xfert: X((d, a) => `xyzt fr${d} = tfr${a}`, 'xfer', false, 'ALU'),
} as Record<ArithForm, { text: (d: number, a: number, b: number) => string; lat: LatencyClass; readsD: boolean; unit?: Unit; lane?: number }>;

/** What one arithmetic form is: its slot text, latency class, whether it reads d, units and lanes it takes (modulo.ts). */
export function arithInfo(k: ArithForm, t: TargetDesc): { text: (d: number, a: number, b: number) => string; lat: LatencyClass; readsD: boolean; units: Unit[]; lanes: number[] } {
  const f = ARITH[k];
  const units: Unit[] = f.unit ? [f.unit] : k === 'fmac' || k === 'fmsub' ? (t.macUsesAlu ? ['MUL', 'ALU'] : ['MUL']) : k === 'fmul' ? ['MUL'] : [t.fpAddUnit === 'MUL' ? 'MUL' : 'ALU'];
  return { text: f.text, lat: f.lat, readsD: f.readsD, units, lanes: f.lane === undefined ? [0, 1, 2, 3] : [f.lane] };
}

const AGN = ['u', 'v', 'w'];
const isP = (r: Reg): r is { p: number } => 'p' in r;

/** Physical registers handed to the pool: every register of the macro not in `pinned`. */
export function poolRegs(t: TargetDesc, pinned: Set<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r < t.regsPerMacro; r++) if (!pinned.has(r)) out.push(r);
  return out;
}

/**
 * Schedule ops (given in a sensible program order: streams in access order, fmacs in reduction
 * order per accumulator) into lines of assembly slot text. `streams` maps op.stream to a register.
 */
export function schedule(ops: Op[], streams: Stream[], pool: number[], t: TargetDesc, window = 64, constRegs: Set<number> = new Set()): string[] {
  // a greedy pass can fill the register pool with values loaded too early: retry more cautiously
  for (const reserve of [6, 12, 24]) {
    const out = scheduleOnce(ops.map((o) => ({ ...o })), streams, pool, t, reserve, window, constRegs);
    if (out) { ops.forEach((o, i) => Object.assign(o, out.ops[i])); return out.lines; }
  }
  throw new BwvmError('DSPLIB_SCHEDULE', `scheduler ran out of registers (${pool.length} in the pool) for ${ops.length} operations`,
    { hint: 'internal error in a dsplib generator: report the shape; a smaller block (fewer accumulators) avoids it' });
}

function scheduleOnce(ops: Op[], streams: Stream[], pool: number[], t: TargetDesc, RESERVE: number, window: number, constRegs: Set<number>): { lines: string[]; ops: Op[] } | undefined {
  const latLoad = t.latency.load;
  // per-stream op queues (memory + agadd), fmac list, virtual register use counts
  const sq: number[][] = streams.map(() => []);
  const macs: number[] = [];
  const uses = new Map<number, number>();
  const accSeq = new Map<number, number[]>(); // pinned register -> op indices touching it, in order
  const touch = (p: number, i: number): void => { let a = accSeq.get(p); if (!a) accSeq.set(p, a = []); a.push(i); };
  ops.forEach((o, i) => {
    if (o.kind === 'fmac') {
      macs.push(i); touch(o.acc, i);
      const pins = new Set((o.op === 'fadd' ? [o.b] : [o.a, o.b]).filter((r): r is { p: number } => isP(r)).map((r) => r.p));
      for (const p of pins) if (p !== o.acc && !constRegs.has(p)) touch(p, i);
      for (const r of o.op === 'fadd' ? [o.b] : [o.a, o.b]) if (!isP(r)) uses.set(r.v, (uses.get(r.v) ?? 0) + 1);
    } else {
      sq[o.stream]!.push(i);
      if (o.kind === 'load' && isP(o.dst)) touch(o.dst.p, i);
      if (o.kind === 'store' && isP(o.src)) touch(o.src.p, i);
      if (o.kind === 'store' && !isP(o.src)) uses.set(o.src.v, (uses.get(o.src.v) ?? 0) + 1);
    }
  });
  // per multiply-accumulate, worked out once: its form (arithInfo: text, latency, units, lanes), operands, pinned operand registers
  const macInfo: { form: ReturnType<typeof arithInfo>; needA: boolean; operands: Reg[]; pinned: number[] }[] = [];
  for (const i of macs) {
    const o = ops[i] as Extract<Op, { kind: 'fmac' }>, k = o.op ?? 'fmac', needA = k !== 'fadd';
    const operands = needA ? [o.a, o.b] : [o.b];
    const pinned = [...new Set(operands.filter((r): r is { p: number } => isP(r) && r.p !== o.acc && !constRegs.has(r.p)).map((r) => r.p))];
    macInfo[i] = { form: arithInfo(k, t), needA, operands, pinned };
  }
  const accPos = new Map<number, number>(); // next index into accSeq
  const readyP = new Map<number, number>(), readyV = new Map<number, number>(); // register -> cycle ready
  const phys = new Map<number, number>();
  const free = [...pool];
  const head = streams.map(() => 0);
  const done = new Uint8Array(ops.length);
  let macHead = 0, left = ops.length, line = 0, idle = 0;
  const lines: string[] = [];
  const setReady = (r: Reg, c: number): void => { if (isP(r)) readyP.set(r.p, c); else readyV.set(r.v, c); };
  // pinned registers not yet written in this segment hold values from before it (ready)
  const rdy = (r: Reg): boolean => { const c = isP(r) ? readyP.get(r.p) : readyV.get(r.v); return c === undefined ? isP(r) : c <= line; };
  const pname = (r: Reg): number => (isP(r) ? r.p : phys.get(r.v)!);
  const accTurn = (p: number, i: number): boolean => { const s = accSeq.get(p); return !s || s[accPos.get(p) ?? 0] === i; };
  const accNext = (p: number): void => { accPos.set(p, (accPos.get(p) ?? 0) + 1); };
  while (left > 0) {
    const slots: string[] = [];
    // 1. multiply-accumulates, oldest first
    const busy: Record<Unit, number[]> = { MUL: [0, 0, 0, 0], ALU: [0, 0, 0, 0], SHF: [0, 0, 0, 0], SPU: [0, 0, 0, 0] };
    const full = (u: Unit, ls: number[]): boolean => {
      const b = busy[u], cap = t.units[u];
      for (const l of ls) if (b[l]! >= cap) return true;
      return false;
    };
    const anyFull = (us: Unit[], ls: number[]): boolean => { for (const u of us) if (full(u, ls)) return true; return false; };
    // some unit has room: MUL, ALU or SHF lane 0, or every SPU lane
    const room = (): boolean => busy.MUL[0]! < t.units.MUL || busy.ALU[0]! < t.units.ALU || busy.SHF[0]! < t.units.SHF || busy.SPU.every((b) => b < t.units.SPU);
    while (macHead < macs.length && done[macs[macHead]!]) macHead++;
    for (let k = macHead, seen = 0; k < macs.length && seen < 400 && slots.length < t.issueWidth && room(); k++) {
      const i = macs[k]!;
      if (done[i]) continue;
      seen++;
      const o = ops[i] as Extract<Op, { kind: 'fmac' }>;
      const { form, needA, operands, pinned } = macInfo[i]!, us = form.units, ls = form.lanes;
      if (anyFull(us, ls)) continue;
      if (!accTurn(o.acc, i) || (needA && !rdy(o.a)) || !rdy(o.b)) continue;
      if (pinned.some((p) => !accTurn(p, i))) continue;
      if (form.readsD && (readyP.get(o.acc) ?? line) > line) continue; // the accumulator's last write has landed
      slots.push(form.text(o.acc, needA ? pname(o.a) : 0, pname(o.b)));
      for (const u of us) for (const l of ls) busy[u][l]!++;
      done[i] = 1; left--; accNext(o.acc);
      for (const r of pinned) accNext(r);
      readyP.set(o.acc, line + t.latency[form.lat]);
      for (const r of operands) {
        if (isP(r)) continue;
        const u = uses.get(r.v)! - 1;
        uses.set(r.v, u);
        if (u === 0) free.push(phys.get(r.v)!);
      }
    }
    // 2. one memory access or address update per generator
    let minLoad = Infinity;
    const oldest = macHead < macs.length ? ops[macs[macHead]!]!.prio : Infinity;
    streams.forEach((_, s) => {
      const i = sq[s]![head[s]!];
      if (i !== undefined) { const o = ops[i]!; if (o.kind === 'load' && !isP(o.dst)) minLoad = Math.min(minLoad, o.prio); }
    });
    const used = new Map<number, number>(); // bank key -> address
    for (let g = 0; g < 3 && slots.length < t.issueWidth; g++) { // never past the issue width
      let best = -1, bestPrio = Infinity;
      streams.forEach((st, s) => {
        if (st.ag !== g) return;
        const i = sq[s]![head[s]!];
        if (i === undefined) return;
        const o = ops[i]!;
        if (o.prio >= bestPrio) return;
        if (o.kind === 'load') {
          if (isP(o.dst)) { if (!accTurn(o.dst.p, i) || !rdy(o.dst)) return; /* WAW: previous write landed */ } else if (free.length === 0 || (o.prio > minLoad && (free.length <= RESERVE || o.prio > oldest + window))) return;
        }
        if (o.kind === 'store') {
          if (isP(o.src) && !accTurn(o.src.p, i)) return;
          if (!rdy(o.src)) return;
        }
        if (o.kind === 'load' || o.kind === 'store') {
          for (let k = 0; k < o.bank.length; k++) { const a = used.get(o.bank[k]!); if (a !== undefined && a !== o.addr[k]) return; }
        }
        best = s; bestPrio = o.prio;
      });
      if (best < 0) continue;
      const i = sq[best]![head[best]!]!;
      const o = ops[i]!;
      const st = streams[best]!;
      const ar = `${AGN[st.ag]}${st.ar}`;
      if (o.kind === 'agadd') slots.push(`${ar} += ${o.imm}`);
      else if (o.kind === 'load') {
        let p: number;
        if (isP(o.dst)) { p = o.dst.p; accNext(p); } else { p = free.shift()!; phys.set(o.dst.v, p); }
        setReady(o.dst, line + latLoad);
        slots.push(`${o.mask} fr${p} = [${ar}+=${o.inc},${o.n}]`);
      } else if (o.kind === 'store') {
        if (isP(o.src)) accNext(o.src.p);
        else { const u = (uses.get(o.src.v) ?? 1) - 1; uses.set(o.src.v, u); if (u <= 0) free.push(phys.get(o.src.v)!); }
        slots.push(`[${ar}+=${o.inc},${o.n}] = ${o.mask} fr${pname(o.src)}`);
      }
      if (o.kind === 'load' || o.kind === 'store') o.bank.forEach((b, k) => used.set(b, o.addr[k]!));
      head[best]!++; done[i] = 1; left--;
    }
    if (slots.length === 0) {
      if (++idle > 64) return undefined;
      slots.push('nop');
    } else idle = 0;
    lines.push(slots.join(' || '));
    line++;
  }
  return { lines, ops };
}
