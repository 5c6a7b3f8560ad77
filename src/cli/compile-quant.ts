// `bwvm compile MODEL -o DIR --bits 8|16 [--emit c,asm] ...`: post-training quantization (calibrated
// on the last --calib images of the bundled Fashion-MNIST training subset, like `bwvm quantize`),
// then the lowered integer model written as fixed-point C and/or (asm) as the DSP program of dsplib
// integer kernels (library mode); --check builds the C with strict gcc / runs the program on the
// simulator and compares the integer outputs with the integer reference bit for bit (exit 1 on any difference).
import type { Graph } from '../ir/types.js';
import { cliPostTrainingQuantize } from './ptq.js';
import { checkQuantizedC, runQuantizedCodegen } from '../magics/codegen-run.js';
import { writeQuantizedAsm } from '../magics/dsp-quant.js';
import { checkQuantizedRun, compileQuantizedLibrary, runQuantizedLibrary } from '../session/qlibrary.js';
import { DEFAULT_TARGET, resolveTarget } from '../target/index.js';

export interface CompileQuantArgs {
  dir: string; bits: string; perChannel: boolean; method?: string; symmetric: boolean; layerBits?: string; calib: string;
  prefix?: string; batch?: number; check: boolean;
  /** Emitters: 'c' (fixed-point C) and/or 'asm' (DSP program); default c. */
  emit?: string[];
  target?: string;
}

export async function compileQuantized(g: Graph, a: CompileQuantArgs): Promise<number> {
  const emit = a.emit?.length ? a.emit : ['c'];
  const { model, bits, calib: c } = cliPostTrainingQuantize(g, a);
  process.stdout.write(`${g.name}: int${bits}${a.perChannel ? ' per-channel' : ''}, calibrated on ${c.n} images -> ${a.dir}\n`);
  let status = 0;
  if (emit.includes('c')) {
    const r = runQuantizedCodegen(model, { dir: a.dir, ...(a.prefix ? { prefix: a.prefix } : {}), ...(a.batch ? { batch: a.batch } : {}) });
    process.stdout.write('[c]\n');
    for (const [f, b] of r.files) process.stdout.write(`  ${f.padEnd(24)} ${String(b).padStart(9)} B\n`);
    for (const note of r.notes) process.stdout.write(`  ${note}\n`);
    if (a.check) {
      const k = checkQuantizedC(model, r.model, a.dir);
      process.stdout.write(`  gcc -std=c99 -Wall -Wextra -Werror: ok; vs integer reference: ${k.mismatches} of ${k.outputs} integer outputs differ ${k.mismatches === 0 ? '(bit-exact)' : '(FAILED)'}\n`);
      if (k.mismatches) status = 1;
    }
  }
  if (emit.includes('asm')) {
    const t = await resolveTarget(a.target ?? DEFAULT_TARGET);
    const r = writeQuantizedAsm(model, a.dir, a.prefix ?? 'model', t);
    process.stdout.write(`[asm]\n  ${r.file.padEnd(24)} ${String(r.bytes).padStart(9)} B\n`);
    for (const note of r.notes) process.stdout.write(`  ${note}\n`);
    if (a.check) {
      const m = compileQuantizedLibrary(model, t);
      const x = c.images.slice(0, m.input.words);
      const run = await runQuantizedLibrary(m, t, x);
      const k = checkQuantizedRun(model, run, x);
      process.stdout.write(`  simulator (${t.name}): ${run.profile.cycles} cycles; vs integer reference: ${k.mismatches} of ${k.outputs} integer outputs differ ${k.mismatches === 0 ? '(bit-exact)' : '(FAILED)'}\n`);
      for (const l of run.layers) process.stdout.write(`    ${l.node.padEnd(16)} ${l.op.padEnd(18)} ${String(l.cycles).padStart(9)} cycles  ${l.kernels}\n`);
      if (k.mismatches) status = 1;
    }
  }
  return status;
}
