// Generated mode's conv blocking choice: cycles AND memory words. Each candidate register blocking
// dsplib offers is built and its executed issue lines (= stall-free cycles) and on-chip words moved
// are counted statically from the assembled kernel (zero-overhead loop counts times per-line loads/
// stores, as the simulator counts them). Rule in `pickBlocking`. Results are cached per shape.
import { conv2d, conv2dBlocks, type Conv2dOptions, type Conv2dShape, type DspKernel } from '../../dsplib/index.js';
import { assemble, instr, lanes } from '../../isa/index.js';
import { peakFlopsPerCycle, type TargetDesc } from '../../target/index.js';

/**
 * A candidate may be this much slower than the fastest (fraction of its cycles)... 12 %, not 8 %:
 * lenet5's conv2 needs R5P1Q6 (+11.8 % cycles, -13 % words) for the network to move 15 % fewer words.
 */
export const CYCLE_MARGIN = 0.12;
/** ...if it moves at least this fraction fewer words than the fastest... */
export const WORD_GAIN = 0.05;
/**
 * ...and the fastest runs below this fraction of peak FLOPs. At or above it the kernel is MAC-bound
 * and every extra cycle is lost utilization (vgg_small w=1's 0.94-0.97 layers: trading there took the
 * network from +10.8 % to +9.1 % MUL utilization over library mode); below it loads bound the kernel.
 */
export const MAC_BOUND = 0.9;

export interface BlockCost { block: { R: number; P: number; Q: number }; cycles: number; words: number }

/** Executed lines and on-chip words (loads + stores) of a straight-line/loop-nest kernel; undefined if it has other control flow. */
export function kernelCost(k: DspKernel, t: TargetDesc): { cycles: number; words: number } | undefined {
  const prog = assemble(k.asm, { limits: t });
  const n = prog.lines.length;
  const mult = new Float64Array(n).fill(1);
  for (let pc = 0; pc < n; pc++) {
    for (const s of prog.lines[pc]!.slots) {
      if (s.op === 'loop') {
        const end = pc + s.f.L!;
        for (let q = pc + 1; q < end && q < n; q++) mult[q]! *= s.f.n!;
      } else if (s.op !== 'halt' && instr(s.op)?.ctl) return undefined; // branches, calls, register-count loops
    }
  }
  let cycles = 0, words = 0;
  for (let pc = 0; pc < n; pc++) {
    let w = 0;
    for (const s of prog.lines[pc]!.slots) {
      if (s.op === 'halt') continue;
      const nl = lanes(s.f.m ?? 0).length;
      if (s.op === 'load') w += s.f.n === 0 ? 1 : nl;
      if (s.op === 'store') w += nl;
    }
    const haltOnly = prog.lines[pc]!.slots.every((s) => s.op === 'halt');
    if (!haltOnly) cycles += mult[pc]!;
    words += mult[pc]! * w;
  }
  return { cycles, words };
}

/**
 * The rule: take the fastest candidate (fewest cycles), unless it runs below MAC_BOUND of peak
 * (`idealCycles` = FLOPs / peak FLOPs per cycle; all candidates compute the same) and candidates
 * within CYCLE_MARGIN of its cycles move at least WORD_GAIN fewer words; then the one of those
 * moving the fewest words (ties: fewer cycles).
 */
export function pickBlocking(costs: BlockCost[], idealCycles = 0): BlockCost {
  const fastest = costs.reduce((a, b) => (b.cycles < a.cycles || (b.cycles === a.cycles && b.words < a.words) ? b : a));
  if (idealCycles >= MAC_BOUND * fastest.cycles) return fastest;
  const near = costs.filter((c) => c.cycles <= fastest.cycles * (1 + CYCLE_MARGIN) && c.words <= fastest.words * (1 - WORD_GAIN));
  if (!near.length) return fastest;
  return near.reduce((a, b) => (b.words < a.words || (b.words === a.words && b.cycles < a.cycles) ? b : a));
}

const cache = new Map<string, { kernel: DspKernel; costs: BlockCost[]; chosen: BlockCost }>();

/** conv2d with the blocking chosen by `pickBlocking` over dsplib's candidates (default chooser's kernel included). */
export function conv2dByTraffic(sh: Conv2dShape, t: TargetDesc, opts: Conv2dOptions): { kernel: DspKernel; costs: BlockCost[]; chosen: BlockCost } {
  const key = JSON.stringify([sh, t.name, opts]);
  const hit = cache.get(key);
  if (hit) return hit;
  const def = conv2d(sh, t, opts);
  const defCost = kernelCost(def, t);
  const kernels = new Map<string, DspKernel>();
  const costs: BlockCost[] = [];
  const add = (k: DspKernel, c: { cycles: number; words: number }): void => {
    const block = { R: k.params.R!, P: k.params.P!, Q: k.params.Q! }, id = `${block.R},${block.P},${block.Q}`;
    if (kernels.has(id)) return;
    kernels.set(id, k); costs.push({ block, ...c });
  };
  if (!defCost) { const r = { kernel: def, costs: [], chosen: { block: { R: def.params.R!, P: def.params.P!, Q: def.params.Q! }, cycles: NaN, words: NaN } }; cache.set(key, r); return r; }
  add(def, defCost);
  for (const block of conv2dBlocks(sh, t, opts)) {
    if (kernels.has(`${block.R},${block.P},${block.Q}`)) continue;
    let k: DspKernel;
    try { k = conv2d(sh, t, { ...opts, block }); } catch { continue; } // blocks that do not schedule or fit are skipped
    const c = kernelCost(k, t);
    if (c) add(k, c);
  }
  const chosen = pickBlocking(costs, def.flops / peakFlopsPerCycle(t));
  const r = { kernel: kernels.get(`${chosen.block.R},${chosen.block.P},${chosen.block.Q}`)!, costs, chosen };
  if (cache.size > 200) cache.clear();
  cache.set(key, r);
  return r;
}
