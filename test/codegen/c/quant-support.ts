// Shared check of the quantized C tests: emit an integer model as C, build it with strict gcc,
// run the harness on a float input and return its float and integer outputs beside the integer
// reference's (runQuantized). `mutate` edits the generated model.c before compiling.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeMultiplier, runQuantized, type QModel } from '../../../src/bwdnn/quant/index.js';
import { compileCModel, emitQuantizedC, runQHarness, writeCModel, type QCEmitOptions, type QCModel } from '../../../src/codegen/c/index.js';
import type { Tensor } from '../../../src/ir/types.js';

export interface QCRun { model: QCModel; c: { output: Float32Array; q: Int32Array }; ref: { output: Float32Array; q: Int32Array } }

export function runQC(q: QModel, x: Tensor, o: Partial<QCEmitOptions> = {}, mutate?: (src: string) => string): QCRun {
  const model = emitQuantizedC(q, { multiplier: quantizeMultiplier, batch: x.shape[0]!, ...o });
  const dir = mkdtempSync(join(tmpdir(), 'bwvm-qc-'));
  try {
    writeCModel(model, dir);
    if (mutate) {
      const p = join(dir, `${model.prefix}.c`), src = readFileSync(p, 'utf8'), out = mutate(src);
      if (out === src) throw new Error('mutation did not change the source');
      writeFileSync(p, out);
    }
    const exe = compileCModel(model, dir);
    const c = runQHarness(exe, dir, x.data as Float32Array);
    const r = runQuantized(q, x);
    return { model, c, ref: { output: r.output.data as Float32Array, q: r.q.data } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Indices where two integer outputs differ (empty = bit-exact). */
export function mismatches(a: Int32Array, b: Int32Array): number[] {
  if (a.length !== b.length) return [-1];
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}
