// %compress: per-layer pruning ratios under hard budgets (FLOPs, params, bytes, activation,
// on-chip memory of the target, DSP cycles from the simulator-calibrated cycle model) with a
// strategy (auto uses the cached sensitivity curves; joint also picks per-layer bit widths),
// channel counts rounded to the target's SIMD width; applies the plan physically (a new model in
// the session, BN recalibrated; --progressive stages it) and shows the per-layer table, a bar chart and each budget's use.
import { pruningPlanner, recalibrateBn, modelCosts, resolveBudgets, STRATEGIES, BUDGET_NAMES, type BudgetName, type CompressionPlan, type Strategy } from '../../compress/index.js';
import { chipWords, resolveTarget } from '../../target/index.js';
import { MIME, plotly, table, type MimeBundle } from '../../display/index.js';
import { MODELS, getModel } from '../../session/models.js';
import { BwvmError } from '../../util/errors.js';
import { MagicOutput, type MagicSpec } from '../types.js';
import { MODEL_FLAG } from '../model/common.js';
import type { Graph } from '../../ir/types.js';
import { progressivePlan } from './progressive.js';
import { cycleModelFor, describeCycleModel, simulateLayers, type CycleModel } from '../../session/cycle-model.js';
import { planWithinSimulatedCycles, roundText, type ExactCyclesResult } from '../../session/exact-cycles.js';
import { jointCompress, jointView, parseJointBits } from './joint.js';
import { PLANS, SENSITIVITY, criterionOf, evalData, groupsOf, scoresFor } from './common.js';

export function planView(model: string, p: CompressionPlan): { [MIME](): MimeBundle } {
  const rows = p.rows.map((r) => ({ layer: r.layer, channels: r.channels, kept: r.kept, keep: r.keep }));
  const bars = plotly({
    data: [
      { type: 'bar', name: 'channels before', x: p.rows.map((r) => r.layer), y: p.rows.map((r) => r.channels) },
      { type: 'bar', name: 'channels after', x: p.rows.map((r) => r.layer), y: p.rows.map((r) => r.kept) },
    ],
    layout: { title: { text: `${model}: ${p.strategy} plan` }, barmode: 'group', height: 360 },
  });
  const totals = [
    { metric: 'FLOPs', before: p.original.flops, after: p.costs.flops, ratio: p.costs.flops / p.original.flops },
    { metric: 'params', before: p.original.params, after: p.costs.params, ratio: p.costs.params / p.original.params },
    { metric: 'peak activation bytes', before: p.original.peakActivationBytes, after: p.costs.peakActivationBytes, ratio: p.costs.peakActivationBytes / p.original.peakActivationBytes },
  ];
  const budgets = p.budgets.map((b) => ({ budget: b.budget, original: b.original, limit: b.limit, value: b.value, use: b.value / b.limit, ok: b.ok ? 'yes' : 'NO' }));
  return {
    [MIME]: () => {
      const t1 = table(rows, { caption: `per-layer plan (${p.strategy})` })[MIME](), t2 = table(totals, { caption: 'model before / after' })[MIME](), t3 = table(budgets, { caption: 'budgets' })[MIME]();
      return {
        'text/html': `${t1['text/html'] as string}${t2['text/html'] as string}${t3['text/html'] as string}${bars[MIME]()['text/html'] as string}`,
        'text/plain': `${t1['text/plain'] as string}\n${t2['text/plain'] as string}\n${t3['text/plain'] as string}`,
      };
    },
  };
}

export const compressMagic: MagicSpec = {
  name: 'compress',
  kind: 'line',
  summary: 'prune a model physically to hard budgets with a per-layer allocation strategy',
  usage: '%compress --flops 0.5 [--params ..] [--bytes ..] [--activation ..] [--onchip target|BYTES] [--cycles 0.5|N] --strategy auto|uniform|shallow|deep|proportional|joint [--bits 32,16,8] [--target T] [--criterion l1] [--name NEW] [--progressive STAGES] [--verify-cycles | --exact-cycles]',
  flags: [
    MODEL_FLAG,
    ...BUDGET_NAMES.filter((b) => b !== 'onchip' && b !== 'cycles').map((b) => ({ name: b, type: 'string' as const, help: `${b} budget: a fraction of the original (0.5) or an absolute amount (120k, 2M)` })),
    { name: 'onchip', type: 'string', help: "model bytes + peak activations must fit: 'target' (the target's data memory) or bytes" },
    { name: 'cycles', type: 'string', help: 'DSP cycles budget (library mode on --target, estimated by a model calibrated on 5 simulations): a fraction (0.5) or cycles (20k)' },
    { name: 'strategy', alias: 's', type: 'string', help: `${STRATEGIES.join(' | ')} | joint (pruning + per-layer bit widths)`, default: 'auto' },
    { name: 'bits', type: 'list', help: 'joint only: allowed precisions per layer (32 = float)', default: ['32', '16', '8'] },
    { name: 'samples', type: 'number', help: 'joint only: test images for the bit sensitivity and the accuracy check', default: 200 },
    { name: 'verify-cycles', type: 'boolean', help: 'with --cycles: simulate the compressed model and show simulated vs estimated cycles' },
    { name: 'exact-cycles', type: 'boolean', help: 'with --cycles: the budget must hold on the simulator (fractions are of the simulated cycles): simulate the plan and re-plan against a tighter estimate while it is over' },
    { name: 'target', type: 'string', help: 'target preset or JSON file (SIMD width, on-chip memory)', default: 'bwdsp104x' },
    { name: 'criterion', type: 'string', help: 'channel importance: l1, l2, bn, taylor (gradients on 256 training images), random', default: 'l1' },
    { name: 'min-keep', type: 'number', help: 'never keep less than this fraction of a layer', default: 0.1 },
    { name: 'name', alias: 'n', type: 'string', help: 'name of the compressed model (default MODEL-STRATEGY)' },
    { name: 'progressive', type: 'number', help: 'auto only: reach the budget in this many stages, re-measuring sensitivity after a short fine-tune' },
    { name: 'progressive-steps', type: 'number', help: 'fine-tune steps between progressive stages', default: 50 },
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const strategy = (args.str('strategy') ?? 'auto') as Strategy | 'joint';
    if (strategy !== 'joint' && !STRATEGIES.includes(strategy)) throw new BwvmError('compress-strategy', `unknown strategy '${strategy}'`, { hint: `strategies: ${STRATEGIES.join(', ')}, joint` });
    const exact = args.bool('exact-cycles');
    if (exact && args.str('cycles') === undefined) throw new BwvmError('compress-exact-cycles', '--exact-cycles needs a cycle budget', { hint: 'add --cycles 0.5 (a fraction of the simulated cycles) or --cycles N' });
    if (exact && strategy === 'joint') {
      throw new BwvmError('compress-exact-cycles', "--exact-cycles works with pruning strategies, not 'joint'", { hint: 'drop --exact-cycles (use --verify-cycles to compare estimate and simulation)' });
    }
    if ((strategy === 'auto' || strategy === 'proportional' || strategy === 'joint') && !ctx.session.store.get(SENSITIVITY, m.name)) {
      throw new BwvmError('compress-no-curves', `strategy '${strategy}' needs the sensitivity curves of '${m.name}'`, { hint: `run %sensitivity --model ${m.name} first, or use --strategy uniform|shallow|deep` });
    }
    const cyclesArg = args.str('cycles');
    let cm: CycleModel | undefined;
    if (cyclesArg !== undefined) {
      cm = await cycleModelFor(m.graph, args.str('target'), { signal: ctx.signal });
      ctx.stdout(describeCycleModel(cm, m.name) + '\n');
    }
    const target = await resolveTarget(args.str('target') ?? 'bwdsp104x');
    const input: Partial<Record<BudgetName, string>> = {};
    for (const b of ['flops', 'params', 'bytes', 'activation'] as const) { const v = args.str(b); if (v !== undefined) input[b] = v; }
    const onchip = args.str('onchip');
    if (onchip !== undefined) input.onchip = onchip === 'target' ? String(chipWords(target) * 4) : onchip;
    if (cyclesArg !== undefined) input.cycles = cyclesArg;
    if (strategy === 'joint') {
      if (args.num('progressive') !== undefined) throw new BwvmError('compress-progressive', "--progressive works with --strategy auto, not 'joint'", { hint: 'drop --progressive' });
      const name = args.str('name') ?? `${m.name}-joint`;
      const r = await jointCompress(ctx, m, {
        input, bits: parseJointBits(args.list('bits')), criterion: criterionOf(args.str('criterion')), simd: target.macros,
        minKeep: args.num('min-keep') ?? 0.1, samples: args.num('samples') ?? 200, name, ...(cm ? { cycleModel: cm } : {}),
      });
      const bits = r.rows.map((x) => x.bits).reduce<Record<number, number>>((a, b) => ({ ...a, [b]: (a[b] ?? 0) + 1 }), {});
      ctx.stdout(`compressed '${m.name}' -> '${name}' (now the current model): ${Object.entries(bits).map(([b, n]) => `${n} layer(s) ${b === '32' ? 'fp32' : `int${b}`}`).join(', ')}; accuracy ${(100 * r.accuracy.original).toFixed(1)} % -> ${(100 * r.accuracy.compressed).toFixed(1)} %\n`);
      return new MagicOutput(r, jointView(r));
    }
    const original = modelCosts(m.graph);
    const cycles = cm?.cost;
    // with --exact-cycles a fraction is of the simulated cycles, which the calibration already ran
    const limits = resolveBudgets(input, original, m.graph, cycles, exact && cm ? { cycles: cm.original } : {});
    const groups = groupsOf(m.graph);
    const criterion = criterionOf(args.str('criterion'));
    const curves = ctx.session.store.get(SENSITIVITY, m.name);
    if ((strategy === 'auto' || strategy === 'proportional') && !curves) {
      throw new BwvmError('compress-no-curves', `strategy '${strategy}' needs the sensitivity curves of '${m.name}'`, { hint: `run %sensitivity --model ${m.name} first, or use --strategy uniform|shallow|deep` });
    }
    const stages = args.num('progressive');
    if (stages !== undefined && strategy !== 'auto') throw new BwvmError('compress-progressive', `--progressive works with --strategy auto, not '${strategy}'`, { hint: 'drop --progressive or use --strategy auto' });
    let plan: CompressionPlan, pruned: Graph;
    let simulated: ExactCyclesResult['cycles'] | undefined;
    if (stages !== undefined) {
      ({ plan, graph: pruned, simulated } = await progressivePlan(ctx, m.graph, { limits, stages, ...(cycles ? { cycles } : {}), steps: args.num('progressive-steps') ?? 50, criterion, simd: target.macros, minKeep: args.num('min-keep') ?? 0.1, keeps: curves!.keeps, samples: 200, ...(exact && cm ? { exact: { cm, target } } : {}) }));
    } else {
      const scores = scoresFor(ctx.session, m.graph, groups, criterion);
      const planAt = pruningPlanner(m.graph, groups, { strategy, scores, simd: target.macros, minKeep: args.num('min-keep') ?? 0.1, ...(curves ? { curves } : {}), ...(cycles ? { cycles } : {}) });
      if (exact && cm) {
        const r = await planWithinSimulatedCycles({ limits, cm, target, plan: planAt, signal: ctx.signal, onRound: (x, budget) => ctx.stdout(roundText(x, budget, target.name) + '\n') });
        ({ plan, graph: pruned } = r);
        simulated = r.cycles;
      } else ({ plan, graph: pruned } = planAt(limits));
      recalibrateBn(pruned, evalData(ctx.session, undefined, 1, 64).calib);
    }
    const name = args.str('name') ?? `${m.name}-${strategy}`;
    pruned.name = name;
    ctx.session.store.set(MODELS, name, { name, graph: pruned, source: `${m.source} pruned (${strategy})`, format: m.format });
    ctx.session.store.set(PLANS, name, { ...plan, model: m.name, pruned: name });
    ctx.stdout(`compressed '${m.name}' -> '${name}' (now the current model): FLOPs ${(100 * plan.costs.flops / plan.original.flops).toFixed(1)} %, params ${(100 * plan.costs.params / plan.original.params).toFixed(1)} %\n`);
    if (simulated) return new MagicOutput({ ...plan, cycles: simulated }, planView(m.name, plan));
    if (cm && args.bool('verify-cycles')) {
      const sim = await simulateLayers(pruned, target, ctx.signal);
      const est = cm.cost(pruned);
      ctx.stdout(`cycles of '${name}' on ${target.name}: simulated ${sim.total}, estimated ${Math.round(est)} (${(100 * (est / sim.total - 1)).toFixed(2)} %)\n`);
      return new MagicOutput({ ...plan, cycles: { simulated: sim.total, estimated: est } }, planView(m.name, plan));
    }
    return new MagicOutput(plan, planView(m.name, plan));
  },
};
