// `bwvm compile MODEL -o DIR --bits 8|16 ...`: post-training quantization (calibrated on the last
// --calib images of the bundled Fashion-MNIST training subset, like `bwvm quantize`) and the
// lowered integer model written as fixed-point C; --check builds it with strict gcc and compares
// its integer outputs with the integer reference bit for bit (exit 1 on any difference).
import type { Graph } from '../ir/types.js';
import { cliPostTrainingQuantize } from './ptq.js';
import { checkQuantizedC, runQuantizedCodegen } from '../magics/codegen-run.js';

export interface CompileQuantArgs {
  dir: string; bits: string; perChannel: boolean; method?: string; symmetric: boolean; layerBits?: string; calib: string;
  prefix?: string; batch?: number; check: boolean;
}

export function compileQuantized(g: Graph, a: CompileQuantArgs): number {
  const { model, bits, calib: c } = cliPostTrainingQuantize(g, a);
  const r = runQuantizedCodegen(model, { dir: a.dir, ...(a.prefix ? { prefix: a.prefix } : {}), ...(a.batch ? { batch: a.batch } : {}) });
  process.stdout.write(`${g.name}: int${bits}${a.perChannel ? ' per-channel' : ''}, calibrated on ${c.n} images -> ${a.dir}\n[c]\n`);
  for (const [f, b] of r.files) process.stdout.write(`  ${f.padEnd(24)} ${String(b).padStart(9)} B\n`);
  for (const note of r.notes) process.stdout.write(`  ${note}\n`);
  if (!a.check) return 0;
  const k = checkQuantizedC(model, r.model, a.dir);
  process.stdout.write(`  gcc -std=c99 -Wall -Wextra -Werror: ok; vs integer reference: ${k.mismatches} of ${k.outputs} integer outputs differ ${k.mismatches === 0 ? '(bit-exact)' : '(FAILED)'}\n`);
  return k.mismatches === 0 ? 0 : 1;
}
