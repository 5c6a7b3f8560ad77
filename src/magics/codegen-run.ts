// The code generation pipeline shared by %codegen and `bwvm compile`: optimize the graph
// (O0/O1/O2), hand its fusion groups to the emitters of --emit, write into a folder, and
// optionally build the C output with gcc and check it against the reference executor; the
// quantized path emits the lowered integer model and checks it bit for bit against runQuantized.
import type { Graph, Tensor } from '../ir/types.js';
import { optimize, readFusion } from '../opt/index.js';
import { resolveEmitters, compileCModel, runHarness, emitQuantizedC, listingExcerpt, runQHarness, writeCModel, type CModel, type EmitResult, type QCModel } from '../codegen/index.js';
import { quantizeMultiplier, runQuantized, type QModel } from '../bwdnn/quant/index.js';
import { run } from '../bwdnn/reference/run.js';
import { compareTensors } from '../bwdnn/reference/compare.js';
import { Rng } from '../bwdnn/zoo/rng.js';
import { resolveTarget, DEFAULT_TARGET } from '../target/index.js';

export interface CodegenOptions {
  dir: string;
  emit?: string;
  target?: string;
  /** 'O0' | 'O1' | 'O2' (default O2). */
  level?: string;
  prefix?: string;
  weights?: 'c' | 'blob';
  batch?: number;
}

export interface CodegenRun { level: string; target: string; results: EmitResult[] }

export async function runCodegen(g: Graph, o: CodegenOptions): Promise<CodegenRun> {
  const rows = resolveEmitters(o.emit ?? 'c');
  const target = await resolveTarget(o.target ?? DEFAULT_TARGET);
  const level = o.level ?? 'O2';
  const opt = optimize(g, level).graph;
  const fusion = readFusion(opt);
  const results = rows.map((r) => r.emit({ graph: opt, dir: o.dir, target, fusion, ...(o.prefix ? { prefix: o.prefix } : {}), ...(o.weights ? { weights: o.weights } : {}), ...(o.batch ? { batch: o.batch } : {}) }));
  return { level, target: target.name, results };
}

export interface CCheckResult { exe: string; maxAbs: number; maxRel: number }

/** Build the written C model in `dir` (strict gcc), run it on a seeded input, compare with the reference on `g`. */
export function checkCModel(g: Graph, m: CModel, dir: string, seed = 5): CCheckResult {
  const exe = compileCModel(m, dir);
  const rng = new Rng(seed);
  const inputs = m.inputs.map((x) => Float32Array.from({ length: x.shape.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  const got = runHarness(m, exe, dir, inputs);
  const feeds: Record<string, Tensor> = Object.fromEntries(m.inputs.map((x, k) => [x.name, { dtype: 'float32', shape: x.shape, data: inputs[k]! }]));
  const ref = run(g, feeds);
  let maxAbs = 0, maxRel = 0;
  m.outputs.forEach((out, k) => {
    const d = compareTensors({ dtype: 'float32', shape: out.shape, data: got[k]! }, ref[out.name]!);
    maxAbs = Math.max(maxAbs, d.maxAbs);
    maxRel = Math.max(maxRel, d.maxRel);
  });
  return { exe, maxAbs, maxRel };
}

// ---- quantized C: the lowered integer model (from %quantize / postTrainingQuantize) as fixed-point C

export interface QCodegenRun { model: QCModel; files: [string, number][]; notes: string[]; listing: string }

/** Emit the integer model `q` as quantized C into `dir`. */
export function runQuantizedCodegen(q: QModel, o: { dir: string; prefix?: string; batch?: number }): QCodegenRun {
  const model = emitQuantizedC(q, { multiplier: quantizeMultiplier, ...(o.prefix ? { prefix: o.prefix } : {}), ...(o.batch ? { batch: o.batch } : {}) });
  const files = writeCModel(model, o.dir);
  const notes = [
    `int${q.bits} fixed point, ${model.layers.length} integer layers; arena ${model.arenaBytes} B (lower bound ${model.lowerBoundBytes} B); weights/bias/multiplier tables ${model.weightsBytes} B`,
    `API: ${model.prefix}_run(float in, float out), ${model.prefix}_run_q(int in, int out), ${model.prefix}_quantize_input, ${model.prefix}_dequantize_output`,
  ];
  return { model, files, notes, listing: listingExcerpt(model.files.get(`${model.prefix}.c`) as string) };
}

export interface QCheckResult { exe: string; outputs: number; mismatches: number; maxFloatDiff: number }

/** Build the written quantized C (strict gcc), run it on a seeded input and compare with runQuantized bit for bit. */
export function checkQuantizedC(q: QModel, m: QCModel, dir: string, seed = 5): QCheckResult {
  const exe = compileCModel(m, dir);
  const rng = new Rng(seed);
  const shape = m.inputs[0]!.shape;
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
  const got = runQHarness(exe, dir, x);
  const ref = runQuantized(q, { dtype: 'float32', shape, data: x });
  let mismatches = got.q.length === ref.q.data.length ? 0 : Math.max(got.q.length, ref.q.data.length);
  let maxFloatDiff = 0;
  const rf = ref.output.data as Float32Array;
  for (let i = 0; i < Math.min(got.q.length, ref.q.data.length); i++) {
    if (got.q[i] !== ref.q.data[i]) mismatches++;
    maxFloatDiff = Math.max(maxFloatDiff, Math.abs(got.output[i]! - rf[i]!));
  }
  return { exe, outputs: got.q.length, mismatches, maxFloatDiff };
}
