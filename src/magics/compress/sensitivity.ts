// %sensitivity: per dependency group, accuracy and loss against the pruning ratio on a
// validation split (BN recalibrated at each point; with --recover-steps, after a short fine-tune
// on the training split: recoverability rather than immediate loss), live progress, cached per
// model (an interrupted sweep keeps its points and resumes), Plotly curves (one line per layer), CSV.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sensitivity, type SensitivityResult } from '../../compress/index.js';
import { MIME, ProgressBar, plotly, type MimeBundle } from '../../display/index.js';
import { getModel } from '../../session/models.js';
import { MagicOutput, type MagicSpec } from '../types.js';
import { MODEL_FLAG } from '../model/common.js';
import { train } from '../../bwdnn/train/index.js';
import { BwvmError } from '../../util/errors.js';
import { resolveDataset } from '../train/dataset.js';
import { ENGINE_FLAG, SENSITIVITY, criterionOf, engineOf, evalData, evaluator, groupsOf, recalibrator, scoresFor } from './common.js';

export function sensitivityCsv(r: SensitivityResult): string {
  const lines = ['layer,group,channels,prune_ratio,kept_channels,accuracy,loss'];
  for (const c of r.curves) for (const p of [...c.points].sort((a, b) => b.keep - a.keep)) lines.push(`${c.layer},${c.group},${c.size},${(1 - p.keep).toFixed(4)},${p.channels},${p.accuracy},${p.loss}`);
  return lines.join('\n') + '\n';
}

export function sensitivityView(r: SensitivityResult, metric: 'loss' | 'accuracy'): { [MIME](): MimeBundle } {
  const fig = plotly({
    data: r.curves.map((c) => {
      const pts = [{ keep: 1, accuracy: r.base.accuracy, loss: r.base.loss }, ...c.points].sort((a, b) => b.keep - a.keep);
      return { type: 'scatter', mode: 'lines+markers', name: c.layer, x: pts.map((p) => 1 - p.keep), y: pts.map((p) => p[metric]) };
    }),
    layout: { title: { text: `${r.model}: sensitivity (${r.criterion}${r.recovery ? `, ${r.recovery}` : ''})${r.complete ? '' : ' — partial'}` }, xaxis: { title: { text: 'pruning ratio' } }, yaxis: { title: { text: `validation ${metric}` } }, height: 420 },
  });
  return {
    [MIME]: () => ({ ...fig[MIME](), 'text/plain': `${r.model}: ${r.curves.length} layers x ${r.keeps.length} ratios (${r.criterion})${r.complete ? '' : ', partial'}; base accuracy ${r.base.accuracy.toFixed(4)}, loss ${r.base.loss.toFixed(4)}` }),
  };
}

export const sensitivityMagic: MagicSpec = {
  name: 'sensitivity',
  kind: 'line',
  summary: 'per-layer accuracy/loss against pruning ratio (BN recalibrated), cached per model',
  usage: '%sensitivity [--model N] [--ratios 0.1:0.9:0.1] [--criterion l1|l2|bn|taylor|random] [--metric loss|accuracy] [--samples 200] [--recover-steps 0] [--csv FILE] [--fresh] [--engine bwdnn|ort]',
  flags: [
    MODEL_FLAG,
    { name: 'ratios', type: 'range', help: 'pruning ratios to measure (fractions removed)', default: [0.25, 0.5, 0.75] },
    { name: 'criterion', type: 'string', help: 'channel importance: l1, l2, bn, taylor (gradients on 256 training images), random', default: 'l1' },
    { name: 'metric', type: 'string', help: 'what the plot shows: loss or accuracy', default: 'loss' },
    { name: 'dataset', alias: 'd', type: 'string', help: 'validation dataset (default: bundled Fashion-MNIST test subset)' },
    { name: 'samples', type: 'number', help: 'validation samples per point', default: 200 },
    { name: 'calib', type: 'number', help: 'calibration samples for BN recalibration', default: 64 },
    { name: 'recover-steps', type: 'number', help: 'fine-tune each pruned point (and the base) this many SGD steps on the training split before measuring', default: 0 },
    { name: 'csv', type: 'string', help: 'also write the curves to this CSV file' },
    { name: 'fresh', type: 'boolean', help: 'ignore the cached result', default: false },
    ENGINE_FLAG,
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const criterion = criterionOf(args.str('criterion'));
    const keeps = args.range('ratios').filter((r) => r > 0 && r < 1).map((r) => Number((1 - r).toFixed(6)));
    const groups = groupsOf(m.graph);
    const data = evalData(ctx.session, args.str('dataset'), args.num('samples') ?? 200, args.num('calib') ?? 64);
    const cached = args.bool('fresh') ? undefined : ctx.session.store.get(SENSITIVITY, m.name);
    const open = groups.filter((x) => !x.locked).length;
    const steps = args.num('recover-steps') ?? 0;
    if (!Number.isInteger(steps) || steps < 0) throw new BwvmError('SENS_RECOVER_STEPS', `--recover-steps ${steps}: expected a whole number of SGD steps (0: no fine-tune)`, { hint: 'e.g. %sensitivity --recover-steps 50' });
    const trainSet = steps > 0 ? resolveDataset(ctx.session, undefined, 'train').ds : undefined;
    const bar = new ProgressBar(ctx.displayer, open * keeps.length, `sensitivity of ${m.name}`, { unit: 'point' });
    const res = await sensitivity(m.graph, groups, {
      ...(trainSet ? {
        recover: async (g: typeof m.graph) => { await train(g, trainSet, { epochs: 1, batchSize: 32, lr: 0.01, seed: 1, maxSteps: steps, signal: ctx.signal }); },
        recovery: `${steps} fine-tune steps`,
      } : {}),
      keeps, criterion, scores: scoresFor(ctx.session, m.graph, groups, criterion),
      evaluate: evaluator(data.val, ctx.signal, engineOf(args.str('engine'))), recalibrate: recalibrator(data.calib), signal: ctx.signal,
      ...(cached ? { resume: cached } : {}),
      onPoint: (c, p, done) => { bar.update(done, `${c.layer} keep ${p.keep}: acc ${p.accuracy.toFixed(3)}`); },
    });
    ctx.session.store.set(SENSITIVITY, m.name, res);
    if (!res.complete) { bar.fail('interrupted: the finished points are kept; run again to resume'); ctx.signal.throwIfAborted(); }
    bar.done(`${res.curves.length} layers`);
    const csv = args.str('csv');
    if (csv) {
      const path = resolve(ctx.session.cwd, csv);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, sensitivityCsv(res));
      ctx.stdout(`wrote ${csv}\n`);
    }
    return new MagicOutput(res, sensitivityView(res, args.str('metric') === 'accuracy' ? 'accuracy' : 'loss'));
  },
};
