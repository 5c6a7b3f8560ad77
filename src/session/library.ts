// Running a network in library mode on the simulator (the glue codegen may not contain, since
// codegen never imports sim): optimize O1, lower to library calls, set the input, run the linked
// Program, read the outputs, and turn the per-region profile into one row per layer.
import type { Graph } from '../ir/index.js';
import { optimize } from '../opt/index.js';
import { type LibraryModel, type LibraryOptions, lowerToLibrary } from '../codegen/library/index.js';
import { type DspModel, type DspOptions, lowerToDsp } from '../codegen/dsp/index.js';
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

/** Optimize (O1) and lower a graph in generated mode (fused, inlined kernels; planned memory). Run it with runLibrary. */
export function compileGenerated(g: Graph, t: TargetDesc, level: string = 'O1', o: DspOptions = {}): DspModel {
  return lowerToDsp(optimize(g, level).graph, t, o);
}

/** Totals of a run: cycles, FLOP efficiency, MUL/ALU utilization, on-chip words moved. */
export function runTotals(r: LibraryRun): { cycles: number; efficiency: number; mulUtil: number; aluUtil: number; words: number } {
  const p = r.profile;
  return { cycles: p.cycles, efficiency: p.efficiency, mulUtil: p.utilization.MUL, aluUtil: p.utilization.ALU, words: p.memory.chip.read + p.memory.chip.written };
}

const stallsOf = (r: LibraryRun): number => Object.values(r.profile.stalls).reduce((a, b) => a + b, 0);

/** Generated vs library side by side: one row per generated layer (library layers of its nodes summed) and a total row. */
export function modeTable(gen: LibraryRun & { model: DspModel }, lib: LibraryRun, t: TargetDesc): { columns: string[]; rows: string[][] } {
  const columns = ['layer', 'ops', 'cycles gen', 'cycles lib', '% peak gen', '% peak lib', 'MUL % gen', 'MUL % lib', 'ALU % gen', 'ALU % lib', 'stalls gen', 'stalls lib', 'words gen', 'words lib'];
  const peak = peakFlopsPerCycle(t);
  const libBy = new Map(lib.layers.map((l) => [l.node, l]));
  const rows = gen.layers.map((l, i) => {
    const ls = gen.model.layers[i]!.nodes.map((n) => libBy.get(n)).filter((x): x is LayerProfile => !!x);
    const cyc = ls.reduce((a, x) => a + x.cycles, 0), fl = ls.reduce((a, x) => a + x.flops, 0);
    const w = (f: (x: LayerProfile) => number): number => (cyc ? ls.reduce((a, x) => a + f(x) * x.cycles, 0) / cyc : 0);
    return [l.node, l.op, String(l.cycles), String(cyc), pct(l.efficiency), pct(cyc ? fl / (peak * cyc) : 0), pct(l.mulUtil), pct(w((x) => x.mulUtil)),
      pct(l.aluUtil), pct(w((x) => x.aluUtil)), String(l.stalls), String(ls.reduce((a, x) => a + x.stalls, 0)), String(l.words), String(ls.reduce((a, x) => a + x.words, 0))];
  });
  const g = runTotals(gen), b = runTotals(lib);
  rows.push(['(total)', `${gen.layers.length} layers vs ${lib.layers.length} calls`, String(g.cycles), String(b.cycles), pct(g.efficiency), pct(b.efficiency),
    pct(g.mulUtil), pct(b.mulUtil), pct(g.aluUtil), pct(b.aluUtil), String(stallsOf(gen)), String(stallsOf(lib)), String(g.words), String(b.words)]);
  return { columns, rows };
}
