// `bwvm compile MODEL -o DIR [--target T] [--emit c[,asm]] [-O2] [--plan] [--bits 8|16]`: optimize a model file or zoo
// network and write the outputs of each emitter into DIR (C: model.c/.h, weights, harness.c),
// printing files, sizes and facts; --check builds the C with strict gcc and compares its
// outputs with the reference executor (exit 1 past 1e-4 relative error).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel } from '../frontend/load.js';
import { zooModel } from '../bwdnn/zoo/index.js';
import { checkCModel, runCodegen } from '../magics/codegen-run.js';
import { planText } from '../codegen/tiling/index.js';
import { DEFAULT_TARGET } from '../target/index.js';
import { compileQuantized } from './compile-quant.js';
import { errorMessage, isBwvmError } from '../util/errors.js';

export const COMPILE_SUMMARY = 'generate code for a model (portable C today; DSP assembly when available)';
export const COMPILE_USAGE = `usage: bwvm compile MODEL -o DIR [--target T] [--emit c[,asm]] [-O0|-O1|-O2]
                    [--weights c|blob] [--prefix NAME] [--batch N] [--check] [--plan]

MODEL is a model file (ONNX, Keras .h5, TF.js model.json, .bwvm) or a zoo name (lenet5, vgg_small, ...).
  -o DIR          output folder (created)
  --target T      target preset or JSON file (default: ${DEFAULT_TARGET})
  --emit LIST     emitters, comma separated (default: c)
  -O LEVEL        optimization level 0, 1 or 2 (default: 2)
  --weights W     c: weights as a const float array in <prefix>_weights.c (default);
                  blob: raw float32 <prefix>_weights.bin handed to <prefix>_init()
  --prefix NAME   C symbol and file prefix (default: model)
  --batch N       size of symbolic input dims (default: 1)
  --check         build the C with gcc -std=c99 -Wall -Wextra -Werror and compare with the reference
  --plan          print generated mode's tiling plan per layer (filters on-chip or DDR tiles); implies --emit asm

Quantized models (int8/int16 fixed point, bit-exact with the integer reference; --emit c and/or asm):
  --bits 8|16     post-training quantize first (calibration on the last --calib images of the
                  bundled Fashion-MNIST training subset), then emit the integer model as C and/or
                  (--emit asm) as the DSP program of dsplib integer kernels (<prefix>.s)
  --per-channel   one weight scale per output channel;  --symmetric  zero-point-0 activations
  --method M      activation range: minmax | percentile | mse (default: minmax)
  --layer-bits L  mixed precision, e.g. conv1=16,fc3=16;  --calib N  calibration images (default: 256)
  --check         then compares the integer outputs with the integer reference bit for bit
                  (C: built with gcc; asm: run on the simulator, cycles per layer)`;

export async function compileVerb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {
      output: { type: 'string', short: 'o' }, target: { type: 'string' }, emit: { type: 'string', default: 'c' },
      opt: { type: 'string', short: 'O', default: '2' }, weights: { type: 'string', default: 'c' }, prefix: { type: 'string' },
      batch: { type: 'string' }, check: { type: 'boolean' }, plan: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      bits: { type: 'string' }, 'per-channel': { type: 'boolean' }, method: { type: 'string' }, symmetric: { type: 'boolean' }, 'layer-bits': { type: 'string' }, calib: { type: 'string', default: '256' },
    } });
  } catch (e) {
    process.stderr.write(`bwvm compile: ${errorMessage(e)}\n${COMPILE_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(COMPILE_USAGE + '\n'); return 0; }
  if (positionals.length !== 1 || !v.output) { process.stderr.write(`bwvm compile: need one MODEL and -o DIR\n${COMPILE_USAGE}\n`); return 2; }
  if (v.weights !== 'c' && v.weights !== 'blob') { process.stderr.write(`bwvm compile: --weights must be c or blob, got '${v.weights}'\n`); return 2; }
  if (!/^[012]$/.test(v.opt!)) { process.stderr.write(`bwvm compile: -O must be 0, 1 or 2, got '${v.opt}'\n`); return 2; }
  const batch = v.batch === undefined ? undefined : Number(v.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) { process.stderr.write(`bwvm compile: --batch must be a positive integer\n`); return 2; }
  try {
    const src = positionals[0]!;
    const g = existsSync(src) ? await loadModel(resolve(src)) : zooModel(src);
    const dir = resolve(v.output);
    if (v.bits !== undefined) {
      const qemit = v.emit!.split(',').map((e) => e.trim()).filter(Boolean);
      if (qemit.some((e) => e !== 'c' && e !== 'asm') || v.plan || v.weights !== 'c') { process.stderr.write('bwvm compile: --bits emits quantized C and/or the DSP program (--emit c,asm; no --plan or --weights blob)\n'); return 2; }
      return await compileQuantized(g, { dir, emit: qemit, ...(v.target ? { target: v.target } : {}), bits: v.bits, perChannel: v['per-channel'] ?? false, ...(v.method ? { method: v.method } : {}), symmetric: v.symmetric ?? false, ...(v['layer-bits'] ? { layerBits: v['layer-bits'] } : {}), calib: v.calib!, ...(v.prefix ? { prefix: v.prefix } : {}), ...(batch ? { batch } : {}), check: v.check ?? false });
    }
    const emit = v.plan && !v.emit!.split(',').includes('asm') ? `${v.emit},asm` : v.emit!;
    const r = await runCodegen(g, { dir, emit, level: `O${v.opt}`, weights: v.weights, ...(v.target ? { target: v.target } : {}), ...(v.prefix ? { prefix: v.prefix } : {}), ...(batch ? { batch } : {}) });
    process.stdout.write(`${g.name}: -${r.level}, target ${r.target} -> ${dir}\n`);
    let status = 0;
    for (const e of r.results) {
      process.stdout.write(`[${e.emitter}]\n`);
      for (const [f, bytes] of e.files) process.stdout.write(`  ${f.padEnd(24)} ${String(bytes).padStart(9)} B\n`);
      for (const n of e.notes) process.stdout.write(`  ${n}\n`);
      if (v.plan && e.tiling) process.stdout.write(`${planText(e.tiling)}\n`);
      if (v.check && e.cModel) {
        const c = checkCModel(g, e.cModel, dir);
        const ok = c.maxRel <= 1e-4;
        process.stdout.write(`  gcc -std=c99 -Wall -Wextra -Werror: ok; vs reference: max abs ${c.maxAbs.toExponential(2)}, max rel ${c.maxRel.toExponential(2)} ${ok ? '(ok)' : '(FAILED, > 1e-4)'}\n`);
        if (!ok) status = 1;
      }
    }
    return status;
  } catch (e) {
    process.stderr.write(`bwvm compile: ${isBwvmError(e) ? `[${e.code}] ` : ''}${errorMessage(e)}\n`);
    return 1;
  }
}
