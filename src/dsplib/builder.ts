// Op-list builder for dsplib kernels: address streams (one address register walking a tensor),
// accesses recorded at relative word offsets, then post-increments resolved (folded into the
// access when they fit the 6-bit field, else an explicit address add) across body segments.
import type { TargetDesc } from '../target/index.js';
import type { Op, Reg, Stream } from './schedule.js';

export interface StreamDef extends Stream {
  /** Word address of the tensor the stream walks (for bank keys) and its memory block. */
  tensorBase: number;
  /** Offset of the stream's block start within the tensor (for bank keys; any representative). */
  start: number;
}

type Access = Extract<Op, { kind: 'load' | 'store' }> & { rel: number };

const INC_MIN = -32, INC_MAX = 31;

export class OpBuilder {
  readonly streams: StreamDef[] = [];
  private nextV = 0;
  private perAg = [0, 0, 0];
  constructor(readonly t: TargetDesc) {}

  /** A new address stream on generator ag (0..2 = u, v, w). */
  stream(ag: number, tensorBase: number, start: number): number {
    if (this.perAg[ag]! >= this.t.agu.regs) throw new Error(`dsplib: out of address registers on generator ${'uvw'[ag]}`);
    this.streams.push({ ag, ar: this.perAg[ag]!++, tensorBase, start });
    return this.streams.length - 1;
  }

  /** Number of streams on each generator (to balance new ones). */
  load(ag: number): number { return this.perAg[ag]!; }

  vreg(): Reg { return { v: this.nextV++ }; }

  private banks(s: number, rel: number, mask: string, n: number): { bank: number[]; addr: number[] } {
    const st = this.streams[s]!;
    const nb = this.t.memory.banksPerBlock, bw = this.t.memory.blockWords;
    const lanesN = n === 0 ? 1 : mask.length;
    const bank: number[] = [], addr: number[] = [];
    for (let j = 0; j < lanesN; j++) {
      const a = st.tensorBase + st.start + rel + j * n;
      bank.push(Math.floor(a / bw) * nb + (((a % nb) + nb) % nb));
      addr.push(a);
    }
    return { bank, addr };
  }

  loadOp(s: number, rel: number, mask: string, n: number, dst: Reg, prio: number): Access {
    return { kind: 'load', stream: s, inc: 0, mask, n, dst, prio, rel, ...this.banks(s, rel, mask, n) };
  }

  storeOp(s: number, rel: number, mask: string, n: number, src: Reg, prio: number): Access {
    return { kind: 'store', stream: s, inc: 0, mask, n, src, prio, rel, ...this.banks(s, rel, mask, n) };
  }
}

/** Largest address add one slot holds (19-bit signed immediate). */
export const AGADD_MAX = 262143;

/** Address adds of imm, split into pieces an agadd immediate holds. */
function agAdds(stream: number, imm: number, prio: number): Op[] {
  const out: Op[] = [];
  for (let left = imm; left !== 0;) {
    const d = Math.max(-AGADD_MAX, Math.min(AGADD_MAX, left));
    out.push({ kind: 'agadd', stream, imm: d, prio });
    left -= d;
  }
  return out;
}

/**
 * Fill post-increments so each stream steps from one access to the next through the segments in
 * order, ending at `end[s]` (relative); the last segment's offsets are shifted by `shift[s]` first
 * (a repeated middle segment built once). Inserts address adds where a step does not fit.
 */
export function resolveIncrements(segs: Op[][], nStreams: number, end: number[], tailShift: number[] = []): Op[][] {
  const seq: Array<{ seg: number; idx: number; rel: number }>[] = Array.from({ length: nStreams }, () => []);
  segs.forEach((ops, si) => ops.forEach((o, idx) => {
    if (o.kind !== 'load' && o.kind !== 'store') return;
    const a = o as Access;
    const shift = si === segs.length - 1 && segs.length > 1 ? tailShift[a.stream] ?? 0 : 0;
    seq[a.stream]!.push({ seg: si, idx, rel: a.rel + shift });
  }));
  const extra = segs.map(() => new Map<number, Op[]>()); // insert after idx
  const startAdd: Op[] = [];
  for (let s = 0; s < nStreams; s++) {
    const list = seq[s]!;
    if (list.length === 0) { if (end[s]) startAdd.push(...agAdds(s, end[s]!, 0)); continue; }
    if (list[0]!.rel !== 0) startAdd.push(...agAdds(s, list[0]!.rel, -1));
    for (let k = 0; k < list.length; k++) {
      const cur = list[k]!;
      const next = k + 1 < list.length ? list[k + 1]!.rel : end[s]!;
      const d = next - cur.rel;
      const o = segs[cur.seg]![cur.idx] as Access;
      if (d >= INC_MIN && d <= INC_MAX) o.inc = d;
      else { o.inc = 0; extra[cur.seg]!.set(cur.idx, agAdds(s, d, o.prio)); }
    }
  }
  return segs.map((ops, si) => {
    const out: Op[] = si === 0 ? [...startAdd] : [];
    ops.forEach((o, idx) => { out.push(o); const e = extra[si]!.get(idx); if (e) out.push(...e); });
    return out;
  });
}
