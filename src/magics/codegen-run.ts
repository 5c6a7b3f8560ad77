// The code generation pipeline shared by %codegen and `bwvm compile`: optimize the graph
// (O0/O1/O2), hand its fusion groups to the emitters of --emit, write into a folder, and
// optionally build the C output with gcc and check it against the reference executor.
import type { Graph, Tensor } from '../ir/types.js';
import { optimize, readFusion } from '../opt/index.js';
import { resolveEmitters, compileCModel, runHarness, type CModel, type EmitResult } from '../codegen/index.js';
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
