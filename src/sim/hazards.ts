// Static hazard analysis at load: which register reads of which line can ever stall. A read of r
// at line L needs an interlock check only if some line W writing r with latency lat reaches L
// along the control-flow graph in fewer than lat issued lines. Everything else is provably ready,
// so the compiled line skips the check (this keeps the fast path fast).
import { type ExecLine, instr } from '../isa/index.js';
import type { TargetDesc } from '../target/index.js';

/** Successor lines of each line (the end sentinel n has none). */
export function successors(lines: readonly ExecLine[]): number[][] {
  const n = lines.length;
  const succ: number[][] = lines.map(() => []);
  // a ret may return to the line after any call (conservative for the interlock analysis)
  const returnPoints = new Set<number>();
  lines.forEach((line, pc) => { if (line.slots.some((s) => s.op === 'call') && pc + 1 < n) returnPoints.add(pc + 1); });
  lines.forEach((line, pc) => {
    let fall = true;
    for (const s of line.slots) {
      if (s.op === 'halt') fall = false;
      else if (s.op === 'call') { succ[pc]!.push(s.f.L!); fall = false; }
      else if (s.op === 'ret') { succ[pc]!.push(...returnPoints); fall = false; }
      else if (s.op === 'b') { succ[pc]!.push(s.f.L!); fall = false; }
      else if (s.op.startsWith('b') && s.f.L !== undefined && s.f.c !== undefined) succ[pc]!.push(pc + s.f.L);
      else if (s.op === 'loop' || s.op === 'loopr') {
        const end = pc + s.f.L!;
        succ[pc]!.push(end);
        if (end - 1 >= 0 && end - 1 < n) succ[end - 1]!.push(pc + 1); // back-edge
      }
    }
    if (fall && pc + 1 < n) succ[pc]!.push(pc + 1);
  });
  return succ;
}

/** Latency (cycles) with which each line writes each register (only latencies > 1). */
function slowWrites(lines: readonly ExecLine[], t: TargetDesc): Array<Map<number, number>> {
  return lines.map((line) => {
    const m = new Map<number, number>();
    for (const s of line.slots) {
      const d = instr(s.op)!;
      const deps = d.deps(s.f);
      const lat = t.latency[d.lat];
      if (lat > 1) for (const r of deps.writes) m.set(r, Math.max(m.get(r) ?? 0, lat));
      if (t.latency.agu > 1) for (const r of deps.agWrites ?? []) m.set(r, Math.max(m.get(r) ?? 0, t.latency.agu));
    }
    return m;
  });
}

export interface HazardPlan {
  /** Per line: registers whose readiness must be checked before it issues. */
  checks: Array<Set<number>>;
  /** Registers whose ready time must be recorded when written with latency > 1. */
  tracked: Set<number>;
}

export function planHazards(lines: readonly ExecLine[], t: TargetDesc): HazardPlan {
  const succ = successors(lines);
  const pred: number[][] = lines.map(() => []);
  succ.forEach((ss, pc) => { for (const s of ss) if (s < lines.length) pred[s]!.push(pc); });
  const writes = slowWrites(lines, t);
  let maxLat = 1;
  for (const m of writes) for (const l of m.values()) maxLat = Math.max(maxLat, l);
  const checks: Array<Set<number>> = lines.map(() => new Set());
  const tracked = new Set<number>();
  lines.forEach((line, pc) => {
    const reads = new Set<number>();
    for (const s of line.slots) for (const r of instr(s.op)!.deps(s.f).reads) reads.add(r);
    if (!reads.size || maxLat <= 1) return;
    // backward breadth-first walk: frontier = lines at distance d before pc
    let frontier = new Set<number>(pred[pc]);
    for (let d = 1; d < maxLat && frontier.size; d++) {
      for (const w of frontier) {
        for (const [r, lat] of writes[w]!) if (lat > d && reads.has(r)) { checks[pc]!.add(r); tracked.add(r); }
      }
      const next = new Set<number>();
      for (const w of frontier) for (const p of pred[w]!) next.add(p);
      frontier = next;
    }
  });
  return { checks, tracked };
}
