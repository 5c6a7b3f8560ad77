// Running an integer model (QModel) on the simulator in library mode (codegen never imports sim,
// so the glue lives here): lower to dsplib calls, quantize the float input on the host exactly as
// the fixed-point reference does, run the Program, read the integer output, dequantize, and sum
// the per-call profile into one row per integer layer (pack / clamp helpers counted with their node).
import { quantizeMultiplier, quantizeTensor, runQuantized } from '../bwdnn/quant/index.js';
import { lowerQuantizedToLibrary, type QLibraryModel } from '../codegen/library/qlower.js';
import type { QModel } from '../ir/quant-model.js';
import type { Tensor } from '../ir/types.js';
import { type Profile, Simulator } from '../sim/index.js';
import { peakFlopsPerCycle, type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';

export interface QLayerProfile {
  node: string; op: string; kernels: string; cycles: number;
  /** Cycles of the helper calls (packing, clamp) included in `cycles`. */
  helperCycles: number;
  flops: number; efficiency: number; mulUtil: number; aluUtil: number; stalls: number; words: number;
}

export interface QLibraryRun {
  model: QLibraryModel;
  /** Integer output words (int8/int16 values) and their dequantized floats. */
  q: Int32Array;
  output: Float32Array;
  profile: Profile;
  layers: QLayerProfile[];
}

/** Lower an integer model to library calls (multipliers from bwDNN's quantizeMultiplier). */
export function compileQuantizedLibrary(q: QModel, t: TargetDesc): QLibraryModel {
  return lowerQuantizedToLibrary(q, t, { multiplier: quantizeMultiplier });
}

/** Run on a fresh simulator with one float image (the model's input shape, batch 1). */
export async function runQuantizedLibrary(m: QLibraryModel, t: TargetDesc, x: Float32Array, o: { signal?: AbortSignal } = {}): Promise<QLibraryRun> {
  if (x.length !== m.input.words) throw new BwvmError('LIBRARY_INPUT', `input '${m.input.name}' needs ${m.input.words} values (${m.input.shape.join('x')}); got ${x.length}`);
  const sim = new Simulator(m.program, t);
  sim.writeWords(m.input.symbol, quantizeTensor(x, m.input.value));
  const { profile } = await sim.run({ ...(o.signal ? { signal: o.signal } : {}) });
  const q = sim.readWords(m.output.symbol, m.output.words);
  const s = m.output.value.quant.scale[0]!, z = m.output.value.quant.zeroPoint[0]!;
  const output = Float32Array.from(q, (v) => (v - z) * s);
  const byName = new Map(profile.regions.map((r) => [r.name, r]));
  const peak = peakFlopsPerCycle(t);
  const layers = m.layers.map((l): QLayerProfile => {
    const rs = l.calls.map((c) => byName.get(c.region) ?? missing(c.region));
    const cycles = rs.reduce((a, r) => a + r.cycles, 0);
    const w = (f: (r: (typeof rs)[number]) => number): number => (cycles ? rs.reduce((a, r) => a + f(r) * r.cycles, 0) / cycles : 0);
    return {
      node: l.node, op: l.op, kernels: l.calls.map((c) => c.kernel).join(' + '), cycles,
      helperCycles: rs.filter((r) => r.name !== l.node).reduce((a, r) => a + r.cycles, 0),
      flops: l.flops, efficiency: cycles ? l.flops / (peak * cycles) : 0, mulUtil: w((r) => r.utilization.MUL), aluUtil: w((r) => r.utilization.ALU),
      stalls: rs.reduce((a, r) => a + Object.values(r.stalls).reduce((x, y) => x + y, 0), 0), words: rs.reduce((a, r) => a + r.words.read + r.words.written, 0),
    };
  });
  return { model: m, q, output, profile, layers };
}

function missing(region: string): never {
  throw new BwvmError('LIBRARY_PROFILE', `no profiler region for call '${region}'`);
}

export interface QCheck { outputs: number; mismatches: number; ref: Int32Array }

/** Compare a run's integer output with bwDNN's fixed-point reference on the same image (0 mismatches = bit-exact). */
export function checkQuantizedRun(q: QModel, r: QLibraryRun, x: Float32Array): QCheck {
  const input: Tensor = { dtype: 'float32', shape: r.model.input.shape, data: x };
  const ref = runQuantized(q, input).q.data;
  let mismatches = ref.length === r.q.length ? 0 : Math.max(ref.length, r.q.length);
  for (let i = 0; i < Math.min(ref.length, r.q.length); i++) if (ref[i] !== r.q[i]) mismatches++;
  return { outputs: r.q.length, mismatches, ref };
}

/** Per-layer table of an integer run plus a total row. */
export function qlayerTable(r: QLibraryRun): { columns: string[]; rows: string[][] } {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const columns = ['layer', 'op', 'kernels', 'cycles', 'of which pack/clamp', 'MUL %', 'ALU %', 'stalls', 'words moved'];
  const rows = r.layers.map((l) => [l.node, l.op, l.kernels, String(l.cycles), String(l.helperCycles), pct(l.mulUtil), pct(l.aluUtil), String(l.stalls), String(l.words)]);
  const p = r.profile;
  rows.push(['(total)', `int${r.model.bits}`, `${r.layers.reduce((a, l) => a + l.kernels.split(' + ').length, 0)} calls`, String(p.cycles), String(r.layers.reduce((a, l) => a + l.helperCycles, 0)),
    pct(p.utilization.MUL), pct(p.utilization.ALU), String(Object.values(p.stalls).reduce((a, b) => a + b, 0)), String(p.memory.chip.read + p.memory.chip.written)]);
  return { columns, rows };
}
