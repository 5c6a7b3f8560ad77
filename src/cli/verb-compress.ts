// `bwvm compress MODEL --flops 0.5 --strategy S -o OUT`: prune a model file or zoo network to
// hard budgets (measuring sensitivity first for auto/proportional) and write the smaller model
// as ONNX or bwvm format, printing the per-layer plan and each budget's use. --cycles budgets
// DSP cycles (the simulator-calibrated cycle model on --target); --strategy joint also picks
// per-layer bit widths (verb-compress-joint.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadModel } from '../frontend/load.js';
import { exportOnnx } from '../frontend/onnx/export.js';
import { ortRunner } from '../frontend/onnx/runtime.js';
import { saveNative } from '../frontend/native/save.js';
import { zooModel } from '../bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../bwdnn/data/index.js';
import { evaluate } from '../bwdnn/train/evaluate.js';
import { tableText } from '../display/table.js';
import { analyzeGroups, CRITERIA, pruningPlanner, groupScores, modelCosts, recalibrateBn, resolveBudgets, sensitivity, STRATEGIES, type BudgetName, type Criterion, type Strategy } from '../compress/index.js';
import { parseRange } from '../magics/args.js';
import { resolveTarget } from '../target/index.js';
import { errorMessage } from '../util/errors.js';
import type { Graph } from '../ir/types.js';
import type { BudgetUse, ChannelGroup, SensitivityResult } from '../compress/index.js';
import type { Tensor } from '../ir/types.js';
import type { Dataset } from '../bwdnn/data/dataset.js';
import { cycleModelFor, describeCycleModel, type CycleModel } from '../session/cycle-model.js';
import { planWithinSimulatedCycles, roundText } from '../session/exact-cycles.js';
import { compressJoint } from './verb-compress-joint.js';

export const COMPRESS_SUMMARY = 'prune a model to hard budgets (FLOPs, params, bytes, activations, DSP cycles) and write it';
export const COMPRESS_USAGE = `usage: bwvm compress MODEL -o OUT.onnx|OUT.bwvm [--flops F] [--params P] [--bytes B] [--activation A] [--cycles C [--exact-cycles]]
                     [--strategy ${STRATEGIES.join('|')}|joint] [--bits 32,16,8] [--criterion l1|l2|bn|taylor|random] [--target T]
                     [--ratios 0.25:0.75:0.25] [--samples 200]

MODEL is a model file (ONNX, Keras .h5, TF.js model.json, .bwvm) or a zoo name (lenet5, vgg_small, ...).
Budgets in (0,1) are fractions of the original model; larger values are absolute (120k, 2M).
--cycles budgets DSP cycles in library mode on --target, estimated by a cycle model calibrated on
5 simulations of the model (within ~1 % on lenet5, up to ~11 % on vgg_small). --exact-cycles holds the
budget on the simulator: fractions are of the simulated cycles, and the plan is simulated and
re-planned against a tighter estimate while it is over (not with joint).
auto, proportional and joint measure per-layer sensitivity first on the bundled Fashion-MNIST subset;
joint also measures each layer's int16/int8 sensitivity and writes the mixed-precision model (QDQ).`;

async function load(source: string): Promise<Graph> {
  return existsSync(source) ? loadModel(resolve(source)) : zooModel(source);
}

export async function compressVerb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {
      output: { type: 'string', short: 'o' }, flops: { type: 'string' }, cycles: { type: 'string' }, 'exact-cycles': { type: 'boolean' }, bits: { type: 'string', default: '32,16,8' }, params: { type: 'string' }, bytes: { type: 'string' }, activation: { type: 'string' },
      strategy: { type: 'string', default: 'uniform' }, criterion: { type: 'string', default: 'l1' }, target: { type: 'string', default: 'bwdsp104x' },
      ratios: { type: 'string', default: '0.25:0.75:0.25' }, samples: { type: 'string', default: '200' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    process.stderr.write(`bwvm compress: ${errorMessage(e)}\n${COMPRESS_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(COMPRESS_USAGE + '\n'); return 0; }
  if (positionals.length !== 1 || !v.output) { process.stderr.write(`bwvm compress: need one MODEL and -o OUT\n${COMPRESS_USAGE}\n`); return 2; }
  try {
    const g = await load(positionals[0]!);
    const strategy = v.strategy as Strategy | 'joint';
    if (strategy !== 'joint' && !STRATEGIES.includes(strategy)) throw new Error(`unknown strategy '${v.strategy}' (strategies: ${STRATEGIES.join(', ')}, joint)`);
    const exact = !!v['exact-cycles'];
    if (exact && v.cycles === undefined) throw new Error('--exact-cycles needs a cycle budget: add --cycles 0.5 (a fraction of the simulated cycles) or --cycles N');
    if (exact && strategy === 'joint') throw new Error("--exact-cycles works with pruning strategies, not 'joint': drop --exact-cycles");
    let cm: CycleModel | undefined;
    if (v.cycles !== undefined) {
      cm = await cycleModelFor(g, v.target, { onRun: (d, n) => process.stderr.write(`\rcycle model: simulation ${d}/${n}   ${d === n ? '\n' : ''}`) });
      process.stderr.write(describeCycleModel(cm, g.name) + '\n');
    }
    const target = await resolveTarget(v.target!);
    const input: Partial<Record<BudgetName, string>> = {};
    for (const b of ['flops', 'params', 'bytes', 'activation', 'cycles'] as const) if (v[b] !== undefined) input[b] = v[b]!;
    const of = exact && cm ? { cycles: cm.original } : {}; // --exact-cycles: fractions of the simulated cycles
    if (strategy !== 'joint') resolveBudgets(input, modelCosts(g), g, cm?.cost, of); // budget errors before any measuring
    const groups = analyzeGroups(g);
    const train = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
    const criterion = v.criterion as Criterion;
    if (!CRITERIA.includes(criterion)) throw new Error(`unknown criterion '${v.criterion}' (criteria: ${CRITERIA.join(', ')})`);
    const scores = groupScores(g, groups, criterion, { data: train });
    const calibSet = slice(train, 0, 64);
    const calib = { dtype: 'float32' as const, shape: [calibSet.n, ...calibSet.shape], data: calibSet.images };
    const val = slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, Number(v.samples));
    const curves = strategy === 'auto' || strategy === 'proportional' || strategy === 'joint' ? await measureCurves(g, groups, scores, calib, val, v.ratios!, v.criterion!) : undefined;
    const out = resolve(v.output);
    if (strategy === 'joint') return await compressJoint({ g, groups, scores, curves: curves!, calib, val, input, bits: v.bits!, simd: target.macros, out, ...(cm ? { cycleModel: cm } : {}) });
    const limits = resolveBudgets(input, modelCosts(g), g, cm?.cost, of);
    const planAt = pruningPlanner(g, groups, { strategy, scores, simd: target.macros, ...(curves ? { curves } : {}), ...(cm ? { cycles: cm.cost } : {}) });
    const { plan, graph: pruned } = exact && cm
      ? await planWithinSimulatedCycles({ limits, cm, target, plan: planAt, onRound: (x, budget) => process.stderr.write(roundText(x, budget, target.name) + '\n') })
      : planAt(limits);
    recalibrateBn(pruned, calib);
    mkdirSync(dirname(out), { recursive: true });
    if (out.endsWith('.bwvm')) saveNative(pruned, out); else writeFileSync(out, exportOnnx(pruned, { producer: 'bwvm compress' }));
    process.stdout.write(tableText({ columns: ['layer', 'channels', 'kept', 'keep'], rows: plan.rows.map((r) => [r.layer, r.channels, r.kept, r.keep]) }) + '\n');
    process.stdout.write(budgetText(plan.budgets) + '\n');
    process.stdout.write(`wrote ${out}: FLOPs ${(100 * plan.costs.flops / plan.original.flops).toFixed(1)} %, params ${(100 * plan.costs.params / plan.original.params).toFixed(1)} % of the original\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`bwvm compress: ${errorMessage(e)}\n`);
    return 1;
  }
}

/** The budget-use table (original, limit, value, use) as text. */
export function budgetText(budgets: BudgetUse[]): string {
  return tableText({ columns: ['budget', 'original', 'limit', 'value', 'use', 'ok'], rows: budgets.map((b) => [b.budget, Math.round(b.original), Math.round(b.limit), Math.round(b.value), `${(100 * b.value / b.limit).toFixed(1)} %`, b.ok ? 'yes' : 'NO']) });
}

/** Per-layer pruning sensitivity (onnxruntime on `val`, BN recalibrated on `calib`). */
export async function measureCurves(g: Graph, groups: ChannelGroup[], scores: Map<number, Float64Array>, calib: Tensor, val: Dataset, ratios: string, criterion: string): Promise<SensitivityResult> {
  const keeps = parseRange(ratios, '--ratios').filter((r) => r > 0 && r < 1).map((r) => Number((1 - r).toFixed(6)));
  const curves = await sensitivity(g, groups, {
    keeps, criterion, scores,
    recalibrate: (p) => recalibrateBn(p, calib),
    evaluate: (p) => ortEvaluate(p, val),
    onPoint: (c, p, done, total) => process.stderr.write(`\rsensitivity ${done}/${total} ${c.layer} keep ${p.keep}   `),
  });
  process.stderr.write('\n');
  return curves;
}

export async function ortEvaluate(p: Graph, val: Dataset): Promise<{ accuracy: number; loss: number }> {
  const r = await ortRunner(p);
  try { const e = await evaluate(p, val, { forward: async (x) => (await r.run({ [p.inputs[0]!.name]: x }))[p.outputs[0]!.name]!.data as Float32Array }); return { accuracy: e.accuracy, loss: e.loss }; } finally { await r.release(); }
}
