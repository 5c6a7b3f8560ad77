// Tile plan of a DDR-tiled conv2d: output row bands (TH rows) x output-channel groups (MG), the
// on-chip buffers they need (ping/pong input bands, weight tiles or all weights resident, ping/pong
// output tiles) and the DDR words each plan moves. The plan that fits on-chip and moves the fewest
// DDR words wins; ties go to the plan exposing the fewest words outside the compute (first loads,
// last store).
import { chipWords, type TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';
import { type Block, type Geo, roundUp } from '../conv2d-core.js';
import { paddedLayout } from '../conv2d.js';
import { type Placed, placeTensors, type Tensor } from '../emit.js';

export interface TilePlan {
  TH: number; nb: number; MG: number; ng: number;
  /** All weights loaded once (else one MG-channel tile per output tile, ping/pong). */
  wResident: boolean;
  /** Padded input rows per band buffer and its row pitch. */
  bandRows: number; Wpp: number; OWs: number; Kp: number;
  /** DDR words the plan moves (x bands incl. halo rows, weights, bias, y). */
  ddrWords: number;
  /** Words moved while nothing computes (first band, first weights, last output tile). */
  exposedWords: number;
  placed: Placed[];
}

/** Rows of the padded input a band of th output rows reads. */
export const bandRowsOf = (g: Geo, R: number, th: number): number => (roundUp(th, R) - 1) * g.s + g.kH;

/** Input rows [h0, h1) of x a band starting at output row oh0 needs (clipped to the image). */
export function bandData(g: Geo, R: number, oh0: number, th: number): { pr0: number; h0: number; h1: number } {
  const pr0 = oh0 * g.s;
  return { pr0, h0: Math.max(0, pr0 - g.pad), h1: Math.min(g.H, pr0 + bandRowsOf(g, R, th) - g.pad) };
}

/** On-chip tensors of a plan (order: large buffers first so each gets its own memory block). */
export function planTensors(g: Geo, p: Omit<TilePlan, 'placed' | 'ddrWords' | 'exposedWords'>, R: number, descWords: number): Tensor[] {
  const xb = g.C * p.bandRows * p.Wpp, yb = p.MG * roundUp(p.TH, R) * p.OWs, wb = p.wResident ? g.M * p.Kp : p.MG * p.Kp;
  const two = p.nb * p.ng > 1;
  return [
    { name: 'xb0', words: xb }, ...(p.nb > 1 ? [{ name: 'xb1', words: xb }] : []),
    { name: 'wb0', words: wb }, ...(p.wResident ? [] : [{ name: 'wb1', words: wb }]),
    { name: 'yb0', words: yb }, ...(two ? [{ name: 'yb1', words: yb }] : []),
    { name: 'bb', words: g.M }, { name: 'dt', words: descWords }, { name: 'kc', words: 2 },
  ];
}

/** Tensors packed one after the other (8-word aligned) from address 0. */
function packTensors(tensors: Tensor[]): Placed[] {
  let at = 0;
  return tensors.map((x) => { const p = { ...x, addr: at }; at = roundUp(at + x.words, 8); return p; });
}

/** Choose the tile plan for a blocking; throws DSPLIB_NO_MEMORY when no plan fits. */
export function choosePlan(g: Geo, blk: Block, t: TargetDesc, what: string, budgetWords?: number, force?: { TH: number; MG: number }): TilePlan {
  const { R, Q } = blk;
  const { OWs, Wpp } = paddedLayout(g, R, blk.P);
  const CK = g.C * g.kH * g.kW, Kp = CK % 2 === 0 ? CK + 1 : CK;
  const ths = new Set<number>(force ? [Math.min(force.TH, g.OH)] : [g.OH]);
  if (!force) for (let th = R; th < g.OH; th += R) ths.add(th);
  const mgs = new Set<number>(force ? [Math.min(force.MG, g.M)] : [g.M]);
  if (!force) for (let mg = Q; mg < g.M; mg += Q) mgs.add(mg);
  if (force && (force.TH < g.OH && force.TH % R !== 0)) throw new BwvmError('DSPLIB_OPTION', `${what}: tile rows ${force.TH} must be a multiple of the block's R=${R}`, { hint: `use TH = ${R * Math.max(1, Math.round(force.TH / R))}` });
  let best: TilePlan | undefined;
  const budget = Math.min(budgetWords ?? Infinity, chipWords(t));
  for (const TH of ths) {
    const nb = Math.ceil(g.OH / TH);
    const bandRows = bandRowsOf(g, R, TH);
    let xWords = 0;
    for (let b = 0; b < nb; b++) { const d = bandData(g, R, b * TH, Math.min(TH, g.OH - b * TH)); xWords += g.C * (d.h1 - d.h0) * g.W; }
    const d0 = bandData(g, R, 0, Math.min(TH, g.OH));
    for (const MG of mgs) {
      const ng = Math.ceil(g.M / MG);
      if (nb * ng > 64) continue; // tiles are unrolled in the code
      for (const wResident of [true, false]) {
        if (!wResident && ng === 1) continue;
        const base = { TH, nb, MG, ng, wResident, bandRows, Wpp, OWs, Kp };
        const tensors = planTensors(g, base, R, 6 * (nb * (g.C + 2) + nb * ng * (1 + MG) + 4));
        if (tensors.reduce((a, x) => a + x.words, 0) > budget) continue;
        let placed: Placed[];
        if (budget < chipWords(t)) placed = packTensors(tensors); // a slice of the memory: packed
        else try { placed = placeTensors(tensors, t, what); } catch { continue; }
        if (placed.reduce((a, x) => Math.max(a, x.addr + x.words), 0) > budget) continue;
        const wWords = wResident ? g.M * Kp : nb * g.M * Kp;
        const ddrWords = xWords + wWords + g.M + g.M * g.OH * g.OW;
        const lastY = Math.min(MG, g.M - (ng - 1) * MG) * Math.min(TH, g.OH - (nb - 1) * TH) * g.OW;
        const exposedWords = g.C * (d0.h1 - d0.h0) * g.W + (wResident ? g.M * Kp : MG * Kp) + lastY;
        const cand: TilePlan = { ...base, ddrWords, exposedWords, placed };
        if (!best || ddrWords < best.ddrWords || (ddrWords === best.ddrWords && exposedWords < best.exposedWords)) best = cand;
      }
    }
  }
  if (!best) {
    throw new BwvmError('DSPLIB_NO_MEMORY', `${what}: no tiling fits ${t.name}'s ${budget} on-chip words (one input row band of ${g.C} channels x ${bandRowsOf(g, R, R)} rows x ${Wpp} words + ${Q} weight rows of ${Kp} words + output tiles)`,
      { hint: 'split the input channels across several calls (fewer channels per call)' });
  }
  return best;
}
