// Blocking choice for tap-list nests (deconv phases, depthwise): an analytic estimate ranks the
// (R, P, Q) blocks that fit the registers and the loop range; the few best plus the shapes that
// usually pack well are scheduled and the one with the fewest issued lines is kept.
import type { TargetDesc } from '../target/index.js';
import { type Block, type Tap, tapChanLines, tapFits } from './deconv-taps.js';

export interface NestGeo { C: number; M: number; OH: number; OW: number; taps: Tap[]; s: number; maxQ?: number; /** Sub-phases sharing the block (taps holds all of theirs). */ subs?: number }

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;

/** Estimated issued lines of a nest with block b. */
export function estimateLines(g: NestGeo, b: Block): number {
  const blocks = (roundUp(g.OH, b.R) / b.R) * (roundUp(g.OW, 4 * b.P) / (4 * b.P));
  const full = Math.floor(g.M / b.Q), rest = g.M % b.Q;
  const per = (q: number): number => g.C * tapChanLines({ ...b, Q: q }, g.taps, g.s) + (b.R * b.P * q * (g.subs ?? 1)) / 2 + 12;
  return blocks * (full * per(b.Q) + (rest ? per(rest) : 0));
}

/** Candidate blocks, best estimate first. */
export function tapCandidates(g: NestGeo, t: TargetDesc): Block[] {
  const all: Array<{ b: Block; c: number }> = [];
  for (let P = 1; P <= 8; P++) {
    if (4 * P > roundUp(g.OW, 4)) continue;
    for (let R = 1; R <= Math.min(8, g.OH); R++) {
      for (let Q = 1; Q <= Math.min(g.maxQ ?? 16, g.M); Q++) {
        const b = { R, P, Q };
        const lpc = tapChanLines(b, g.taps, g.s) * 1.15; // a loop body holds 511 lines
        if (tapFits(b, t, g.subs ?? 1) && (g.C * lpc + 40 <= 470 || 3 * lpc <= 420)) all.push({ b, c: estimateLines(g, b) });
      }
    }
  }
  all.sort((a, b) => a.c - b.c);
  return all.map((x) => x.b);
}

const LIKED = new Set(['2,4,4', '4,2,4', '4,1,8', '2,2,8', '1,4,8']);
const key = (b: Block): string => `${b.R},${b.P},${b.Q}`;

/**
 * Schedule the promising blocks with `build` (returns issued lines) and keep the shortest; small
 * nests (few multiply-accumulates) try only the best three estimates, to keep generation fast.
 */
export function chooseBlock(cands: Block[], build: (b: Block) => number, small = false): Block {
  const list = small ? cands.slice(0, 3)
    : [...cands.filter((b) => LIKED.has(key(b))), ...cands.slice(0, 8)].filter((b, i, a) => a.findIndex((x) => key(x) === key(b)) === i);
  let best: { b: Block; n: number } | undefined, err: unknown;
  let built = 0;
  for (const b of list) {
    if (built >= 3 && !LIKED.has(key(b)) && cands.indexOf(b) >= 3) break;
    try {
      const n = build(b);
      built++;
      if (!best || n < best.n) best = { b, n };
    } catch (e) { err = e; }
  }
  if (!best) throw err ?? new Error('dsplib: no block fits');
  return best.b;
}
