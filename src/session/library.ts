// Running a network in library mode on the simulator (the glue codegen may not contain, since
// codegen never imports sim): optimize O1, lower to library calls, set the input, run the linked
// Program, read the outputs, and turn the per-region profile into one row per layer.
import type { Graph } from '../ir/index.js';
import { optimize } from '../opt/index.js';
import { type LibraryModel, type LibraryOptions, lowerToLibrary } from '../codegen/library/index.js';
import { type Profile, Simulator } from '../sim/index.js';
import { peakFlopsPerCycle, type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';

export interface LayerProfile {
  node: string; op: string; kernel: string; flops: number; cycles: number;
  /** GFLOP/s at the target clock and the fraction of peak FLOPs. */
  gflops: number; efficiency: number;
  mulUtil: number; aluUtil: number;
  stalls: number; stallsBy: Record<string, number>;
  /** On-chip words read + written by the layer's loads and stores. */
  words: number;
}

export interface LibraryRun {
  model: LibraryModel;
  outputs: Record<string, Float32Array>;
  profile: Profile;
  layers: LayerProfile[];
  /** Cycles of the call sequence itself (argument set-up, call/ret). */
  callCycles: number;
}

/** Optimize (O1 by default) and lower a graph to library calls. */
export function compileLibrary(g: Graph, t: TargetDesc, level: string = 'O1', o: LibraryOptions = {}): LibraryModel {
  return lowerToLibrary(optimize(g, level).graph, t, o);
}

/** Run a lowered model on a fresh simulator with the given inputs (by graph input name). */
export async function runLibrary(m: LibraryModel, t: TargetDesc, feeds: Record<string, Float32Array>, o: { signal?: AbortSignal } = {}): Promise<LibraryRun> {
  const sim = new Simulator(m.program, t);
  for (const i of m.inputs) {
    const x = feeds[i.name];
    if (!x) throw new BwvmError('LIBRARY_INPUT', `no data for input '${i.name}'`, { hint: `inputs: ${m.inputs.map((v) => `${v.name} [${v.shape.join('x')}]`).join(', ')}` });
    if (x.length !== i.words) throw new BwvmError('LIBRARY_INPUT', `input '${i.name}' needs ${i.words} values (${i.shape.join('x')}); got ${x.length}`);
    sim.setInput(i.symbol, x);
  }
  const { profile } = await sim.run({ signal: o.signal });
  const outputs: Record<string, Float32Array> = {};
  for (const out of m.outputs) outputs[out.name] = sim.readOutput(out.symbol, out.words);
  const byName = new Map(profile.regions.map((r) => [r.name, r]));
  const peak = peakFlopsPerCycle(t);
  const layers = m.layers.map((l): LayerProfile => {
    const r = byName.get(l.node);
    if (!r) throw new BwvmError('LIBRARY_PROFILE', `no profiler region for layer '${l.node}'`);
    const stalls = Object.values(r.stalls).reduce((a, b) => a + b, 0);
    return {
      node: l.node, op: l.op, kernel: l.kernel, flops: r.flops, cycles: r.cycles,
      gflops: r.cycles ? r.flops / (r.cycles / t.clockHz) / 1e9 : 0, efficiency: r.cycles ? r.flops / (peak * r.cycles) : 0,
      mulUtil: r.utilization.MUL, aluUtil: r.utilization.ALU, stalls, stallsBy: { ...r.stalls }, words: r.words.read + r.words.written,
    };
  });
  return { model: m, outputs, profile, layers, callCycles: byName.get('(calls)')?.cycles ?? 0 };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}`;

/** The per-layer table (columns + string rows) plus a total row. */
export function layerTable(r: LibraryRun): { columns: string[]; rows: string[][] } {
  const columns = ['layer', 'op', 'kernel', 'cycles', 'GFLOPS', '% peak', 'MUL %', 'ALU %', 'stalls', 'words moved'];
  const rows = r.layers.map((l) => [l.node, l.op, l.kernel, String(l.cycles), l.gflops.toFixed(3), pct(l.efficiency), pct(l.mulUtil), pct(l.aluUtil), String(l.stalls), String(l.words)]);
  const p = r.profile;
  const st = Object.values(p.stalls).reduce((a, b) => a + b, 0);
  rows.push(['(total)', '', `${r.layers.length} calls`, String(p.cycles), p.gflops.toFixed(3), pct(p.efficiency), pct(p.utilization.MUL), pct(p.utilization.ALU), String(st), String(p.memory.chip.read + p.memory.chip.written)]);
  return { columns, rows };
}
