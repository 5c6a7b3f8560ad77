// Shared check for the C backend tests: optimize a graph, emit C, compile it with strict gcc,
// run the harness on a seeded input and compare every output with the reference executor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/bwdnn/reference/run.js';
import { compareTensors } from '../../../src/bwdnn/reference/compare.js';
import { Rng } from '../../../src/bwdnn/zoo/rng.js';
import { optimize, readFusion } from '../../../src/opt/index.js';
import { compileCModel, emitCModel, runHarness, writeCModel, type CEmitOptions, type CModel } from '../../../src/codegen/c/index.js';
import type { Graph, Tensor } from '../../../src/ir/types.js';

export interface CCheck { model: CModel; maxAbs: number; maxRel: number }

export function seededInput(shape: number[], seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal());
}

/** Emit (after `level`), compile, run and compare with the reference on the unoptimized graph. */
export function checkC(g: Graph, level: 'O0' | 'O1' | 'O2' = 'O2', o: CEmitOptions = {}, seed = 5): CCheck {
  const opt = optimize(g, level).graph;
  const model = emitCModel(opt, { fusion: readFusion(opt), ...o });
  const dir = mkdtempSync(join(tmpdir(), 'bwvm-c-'));
  writeCModel(model, dir);
  const exe = compileCModel(model, dir);
  const inputs = model.inputs.map((x, k) => seededInput(x.shape, seed + k));
  const got = runHarness(model, exe, dir, inputs);
  const feeds: Record<string, Tensor> = Object.fromEntries(model.inputs.map((x, k) => [x.name, { dtype: 'float32', shape: x.shape, data: inputs[k]! }]));
  const ref = run(g, feeds);
  let maxAbs = 0, maxRel = 0;
  model.outputs.forEach((out, k) => {
    const d = compareTensors({ dtype: 'float32', shape: out.shape, data: got[k]! }, ref[out.name]!);
    maxAbs = Math.max(maxAbs, d.maxAbs);
    maxRel = Math.max(maxRel, d.maxRel);
  });
  rmSync(dir, { recursive: true, force: true });
  return { model, maxAbs, maxRel };
}
