// The code generation magic family: %codegen emits a session model with the --emit emitters
// (portable C today) into a folder and shows the files with sizes, the arena vs its lower
// bound, and a listing excerpt; --check builds the C with strict gcc and compares with the
// reference executor.
import { resolve } from 'node:path';
import { getModel } from '../session/models.js';
import { escapeHtml, html, table } from '../display/index.js';
import { BwvmError } from '../util/errors.js';
import { DEFAULT_TARGET, resolveTarget } from '../target/index.js';
import { writeQuantizedAsm } from './dsp-quant.js';
import { MagicOutput, type MagicFamily, type MagicSpec } from './types.js';
import { MODEL_FLAG } from './model/common.js';
import { checkCModel, checkQuantizedC, runCodegen, runQuantizedCodegen } from './codegen-run.js';
import { QMODELS } from './quant.js';
import type { Session } from '../session/session.js';
import type { QModel } from '../bwdnn/quant/index.js';
import { planTable, planText, type TilingPlan } from '../codegen/tiling/index.js';

export interface CodegenMagicResult {
  model: string;
  dir: string;
  level: string;
  target: string;
  files: { emitter: string; file: string; bytes: number }[];
  arenaBytes?: number;
  lowerBoundBytes?: number;
  weightsBytes?: number;
  check?: { maxAbs: number; maxRel: number };
  /** --plan: generated mode's tiling plan (asm emitter). */
  tiling?: TilingPlan;
  /** --quantized --check: integer outputs that differ from runQuantized (0 = bit-exact). */
  qcheck?: { outputs: number; mismatches: number };
}

/** The integer model of --quantized: the one named by --model, else the latest %quantize / %qat result. */
function quantizedModel(session: Session, name: string | undefined): { name: string; q: QModel } {
  if (name !== undefined) {
    const q = session.store.get(QMODELS, name);
    if (!q) throw new BwvmError('CG_NO_QMODEL', `'${name}' is not a quantized model of this session`, { hint: 'run %quantize --bits 8 (its result is named MODEL-int8), then %codegen --emit c --quantized' });
    return { name, q };
  }
  const cur = session.store.current(QMODELS);
  if (!cur) throw new BwvmError('CG_NO_QMODEL', 'no quantized model in this session for --quantized', { hint: 'run %quantize --bits 8|16 [--per-channel] first, then %codegen --emit c --quantized -o DIR' });
  return { name: cur.name, q: cur.value };
}

const codegenMagic: MagicSpec = {
  name: 'codegen',
  kind: 'line',
  summary: 'generate code for a model into a folder (--emit c; asm when the DSP emitter lands), with sizes and a listing excerpt',
  usage: '%codegen -o DIR [--emit c[,asm]] [--target T] [-O0|-O1|-O2] [--model N] [--weights c|blob] [--prefix P] [--batch N] [--check] [--plan] [--quantized]',
  flags: [
    { name: 'out', alias: 'o', type: 'string', help: 'output folder (created)' },
    { name: 'emit', type: 'list', help: 'emitters: c (portable C99); asm is not available yet', default: ['c'] },
    { name: 'target', type: 'string', help: `target preset or JSON file (default ${DEFAULT_TARGET})` },
    { name: 'O0', type: 'boolean', help: 'no optimization (BN and bias as separate layers)' },
    { name: 'O1', type: 'boolean', help: 'cleanups only' },
    { name: 'O2', type: 'boolean', help: 'BN folding, bias/activation fusion (default)' },
    MODEL_FLAG,
    { name: 'weights', type: 'string', help: 'c: const float array in <prefix>_weights.c (default); blob: <prefix>_weights.bin' },
    { name: 'prefix', type: 'string', help: 'C symbol and file prefix (default model)' },
    { name: 'batch', type: 'number', help: 'size bound to symbolic input dims (default 1)' },
    { name: 'check', type: 'boolean', help: 'build with gcc -std=c99 -Wall -Wextra -Werror and compare with the reference' },
    { name: 'plan', type: 'boolean', help: 'show the generated-mode tiling plan per layer (tile, filters on-chip or DDR, DDR words, buffers); implies --emit asm' },
    { name: 'quantized', type: 'boolean', help: 'emit the integer model of %quantize (--model names it; default the latest) as int8/int16 fixed-point C (--emit c) and/or the DSP program in library mode (--emit asm), both bit-exact with the integer reference' },
  ],
  positionals: [],
  async run(args, ctx) {
    const out = args.str('out');
    if (!out) throw new BwvmError('CG_OUT', '%codegen needs an output folder', { hint: 'e.g. %codegen --emit c -o build/' });
    if (args.bool('quantized')) return quantizedRun(args, ctx, out);
    const m = getModel(ctx.session, args.str('model'));
    const levels = ['O0', 'O1', 'O2'].filter((l) => args.bool(l));
    if (levels.length > 1) throw new BwvmError('OPT_LEVEL', `give one optimization level, got ${levels.map((l) => `-${l}`).join(' ')}`);
    const weights = args.str('weights') ?? 'c';
    if (weights !== 'c' && weights !== 'blob') throw new BwvmError('CG_WEIGHTS', `--weights must be c or blob, got '${weights}'`);
    const dir = resolve(ctx.session.cwd, out);
    const batch = args.num('batch');
    const prefix = args.str('prefix'), target = args.str('target');
    const r = await runCodegen(m.graph, { dir, emit: [...new Set([...(args.list('emit').length ? args.list('emit') : ['c']), ...(args.bool('plan') ? ['asm'] : [])])].join(','), level: levels[0] ?? 'O2', weights, ...(prefix ? { prefix } : {}), ...(target ? { target } : {}), ...(batch ? { batch } : {}) });
    const result: CodegenMagicResult = { model: m.name, dir, level: r.level, target: r.target, files: r.results.flatMap((e) => e.files.map(([file, bytes]) => ({ emitter: e.emitter, file, bytes }))) };
    for (const e of r.results) {
      if (!e.cModel) continue;
      result.arenaBytes = e.cModel.arenaBytes;
      result.lowerBoundBytes = e.cModel.lowerBoundBytes;
      result.weightsBytes = e.cModel.weightsBytes;
      if (args.bool('check')) { const c = checkCModel(m.graph, e.cModel, dir); result.check = { maxAbs: c.maxAbs, maxRel: c.maxRel }; }
    }
    ctx.stdout(`${m.name} (-${r.level}, target ${r.target}) -> ${dir}\n`);
    for (const e of r.results) for (const n of e.notes) ctx.stdout(`[${e.emitter}] ${n}\n`);
    if (result.check) ctx.stdout(`[c] gcc -std=c99 -Wall -Wextra -Werror: ok; vs reference: max abs ${result.check.maxAbs.toExponential(2)}, max rel ${result.check.maxRel.toExponential(2)}\n`);
    for (const e of r.results) {
      if (!args.bool('plan') || !e.tiling) continue;
      result.tiling = e.tiling;
      ctx.stdout(`${planText(e.tiling)}\n`);
      ctx.display(table(planTable(e.tiling), { caption: `${m.name}: tiling plan (generated mode, ${r.target})` }));
    }
    for (const e of r.results) ctx.display(html(`<details open><summary>${escapeHtml(e.emitter)} listing excerpt</summary><pre>${escapeHtml(e.listing)}</pre></details>`, e.listing));
    return new MagicOutput(result, table(result.files.map((f) => ({ emitter: f.emitter, file: f.file, bytes: f.bytes })), { caption: `${m.name}: generated files in ${dir}` }));
  },
};

/** %codegen --quantized: the session's integer model as fixed-point C (emit c only; weights in a C file). */
async function quantizedRun(args: Parameters<MagicSpec['run']>[0], ctx: Parameters<MagicSpec['run']>[1], out: string): Promise<MagicOutput> {
  const emit = args.list('emit').length ? args.list('emit') : ['c'];
  if (emit.some((e) => e !== 'c' && e !== 'asm')) throw new BwvmError('CG_EMIT', `--quantized emits c and asm, got --emit ${emit.join(',')}`, { hint: 'use --emit c,asm --quantized' });
  if (args.str('weights') === 'blob') throw new BwvmError('CG_WEIGHTS', '--quantized writes its integer tables as C (<prefix>_weights.c); --weights blob is fp32 only');
  const { name, q } = quantizedModel(ctx.session, args.str('model'));
  const dir = resolve(ctx.session.cwd, out);
  const prefix = args.str('prefix'), batch = args.num('batch');
  if (!emit.includes('c')) {
    const t = await resolveTarget(args.str('target') ?? DEFAULT_TARGET);
    const a = writeQuantizedAsm(q, dir, prefix ?? 'model', t);
    ctx.stdout(`${name} (int${q.bits}) -> ${dir}\n`);
    for (const n of a.notes) ctx.stdout(`[asm] ${n}\n`);
    ctx.display(html(`<details open><summary>asm listing excerpt</summary><pre>${escapeHtml(a.listing)}</pre></details>`, a.listing));
    const res: CodegenMagicResult = { model: name, dir, level: 'int', target: t.name, files: [{ emitter: 'asm', file: a.file, bytes: a.bytes }] };
    return new MagicOutput(res, table(res.files.map((f) => ({ emitter: f.emitter, file: f.file, bytes: f.bytes })), { caption: `${name} (int${q.bits}): generated files in ${dir}` }));
  }
  const r = runQuantizedCodegen(q, { dir, ...(prefix ? { prefix } : {}), ...(batch ? { batch } : {}) });
  const result: CodegenMagicResult = { model: name, dir, level: 'int', target: 'portable C', files: r.files.map(([file, bytes]) => ({ emitter: 'c', file, bytes })), arenaBytes: r.model.arenaBytes, lowerBoundBytes: r.model.lowerBoundBytes, weightsBytes: r.model.weightsBytes };
  ctx.stdout(`${name} (int${q.bits}) -> ${dir}\n`);
  for (const n of r.notes) ctx.stdout(`[c] ${n}\n`);
  if (args.bool('check')) {
    const c = checkQuantizedC(q, r.model, dir);
    result.qcheck = { outputs: c.outputs, mismatches: c.mismatches };
    ctx.stdout(`[c] gcc -std=c99 -Wall -Wextra -Werror: ok; vs integer reference: ${c.mismatches} of ${c.outputs} integer outputs differ${c.mismatches === 0 ? ' (bit-exact)' : ''}\n`);
    if (c.mismatches) throw new BwvmError('CG_QCHECK', `the quantized C differs from runQuantized on ${c.mismatches} of ${c.outputs} outputs`, { hint: 'a bug in src/codegen/c/qops-*.ts; please report it with the model' });
  }
  ctx.display(html(`<details open><summary>c listing excerpt</summary><pre>${escapeHtml(r.listing)}</pre></details>`, r.listing));
  if (emit.includes('asm')) {
    const t = await resolveTarget(args.str('target') ?? DEFAULT_TARGET);
    const a = writeQuantizedAsm(q, dir, prefix ?? 'model', t);
    for (const n of a.notes) ctx.stdout(`[asm] ${n}\n`);
    result.files.push({ emitter: 'asm', file: a.file, bytes: a.bytes });
  }
  return new MagicOutput(result, table(result.files.map((f) => ({ emitter: f.emitter, file: f.file, bytes: f.bytes })), { caption: `${name} (int${q.bits}): generated files in ${dir}` }));
}

export const codegenFamily: MagicFamily = { name: 'codegen', magics: [codegenMagic] };
