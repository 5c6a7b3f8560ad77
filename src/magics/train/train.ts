// %train and %finetune's engine: train a session model on a session dataset with a live progress
// bar, then show the per-epoch history (table + Plotly curves); interruptible (the weights of the
// last finished step are kept); --save writes a checkpoint in bwvm's format atomically.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { train, type TrainHistory, type TrainOptions } from '../../bwdnn/train/index.js';
import { saveNative } from '../../frontend/native/save.js';
import { MIME, ProgressBar, plotly, table, type MimeBundle } from '../../display/index.js';
import { getModel } from '../../session/models.js';
import { BwvmError } from '../../util/errors.js';
import { MagicOutput, type MagicContext, type MagicSpec } from '../types.js';
import type { MagicArgs } from '../args.js';
import { MODEL_FLAG } from '../model/common.js';
import { resolveDataset } from './dataset.js';

export const TRAIN_FLAGS: MagicSpec['flags'] = [
  MODEL_FLAG,
  { name: 'dataset', alias: 'd', type: 'string', help: 'training dataset name (default: bundled Fashion-MNIST train subset)' },
  { name: 'val', type: 'string', help: 'validation dataset name evaluated after each epoch' },
  { name: 'epochs', alias: 'e', type: 'number', help: 'epochs', default: 1 },
  { name: 'batch-size', alias: 'b', type: 'number', help: 'minibatch size', default: 32 },
  { name: 'optimizer', type: 'string', help: 'sgd or adam', default: 'sgd' },
  { name: 'lr', type: 'number', help: 'learning rate (default 0.05 for sgd, 0.001 for adam)' },
  { name: 'momentum', type: 'number', help: 'SGD momentum', default: 0.9 },
  { name: 'weight-decay', type: 'number', help: 'L2 weight decay on weight tensors', default: 5e-4 },
  { name: 'schedule', type: 'string', help: 'constant, step or cosine', default: 'constant' },
  { name: 'seed', type: 'number', help: 'shuffling seed', default: 1 },
  { name: 'max-steps', type: 'number', help: 'stop after this many steps' },
  { name: 'augment', type: 'list', help: 'crop,flip' },
  { name: 'save', type: 'string', help: 'write a checkpoint (bwvm format) here after training' },
];

export function historyView(h: TrainHistory, title: string): { [MIME](): MimeBundle } {
  const ep = h.epochs.map((e) => e.epoch + 1);
  const curves = [
    { x: ep, y: h.epochs.map((e) => e.loss), name: 'train loss', type: 'scatter', mode: 'lines+markers' },
    { x: ep, y: h.epochs.map((e) => e.accuracy), name: 'train accuracy', type: 'scatter', mode: 'lines+markers', yaxis: 'y2' },
    ...(h.epochs.some((e) => e.valAccuracy !== undefined) ? [{ x: ep, y: h.epochs.map((e) => e.valAccuracy ?? null), name: 'val accuracy', type: 'scatter', mode: 'lines+markers', yaxis: 'y2' }] : []),
  ];
  const fig = plotly({ data: curves, layout: { title: { text: title }, xaxis: { title: { text: 'epoch' } }, yaxis: { title: { text: 'loss' } }, yaxis2: { title: { text: 'accuracy' }, overlaying: 'y', side: 'right', range: [0, 1] }, height: 320 } });
  const t = table(h.epochs.map((e) => ({ ...e, epoch: e.epoch + 1 })) as unknown as Record<string, unknown>[], { caption: `${title}: ${h.steps} steps${h.interrupted ? ' (interrupted)' : ''}` });
  return {
    [MIME]: () => {
      const tb = t[MIME](), fb = h.epochs.length > 1 ? fig[MIME]() : undefined;
      return { 'text/html': `${tb['text/html'] as string}${fb ? (fb['text/html'] as string) : ''}`, 'text/plain': tb['text/plain'] };
    },
  };
}

export async function runTraining(args: MagicArgs, ctx: MagicContext, title: string): Promise<MagicOutput> {
  const m = getModel(ctx.session, args.str('model'));
  const { name: dsName, ds } = resolveDataset(ctx.session, args.str('dataset'), 'train');
  const val = args.str('val') !== undefined ? resolveDataset(ctx.session, args.str('val'), 'test').ds : undefined;
  const want = m.graph.inputs[0]!.shape.slice(1).join(',');
  if (want !== ds.shape.join(',')) throw new BwvmError('train-shape', `model '${m.name}' takes samples [${want}] but dataset '${dsName}' has [${ds.shape.join(',')}]`, { hint: 'load the model with a matching --input-shape' });
  const optimizer = args.str('optimizer');
  if (optimizer !== 'sgd' && optimizer !== 'adam') throw new BwvmError('train-optimizer', `unknown optimizer '${optimizer}'`, { hint: 'use --optimizer sgd or --optimizer adam' });
  const schedule = args.str('schedule');
  if (schedule !== 'constant' && schedule !== 'step' && schedule !== 'cosine') throw new BwvmError('train-schedule', `unknown schedule '${schedule}'`, { hint: 'use constant, step or cosine' });
  const epochs = args.num('epochs') ?? 1, bs = args.num('batch-size') ?? 32;
  const maxSteps = args.num('max-steps');
  const total = Math.min(epochs * Math.ceil(ds.n / bs), maxSteps ?? Infinity);
  const bar = new ProgressBar(ctx.displayer, total, `${title} ${m.name} on ${dsName}`, { unit: 'step' });
  const aug = args.list('augment');
  const opts: TrainOptions = {
    epochs, batchSize: bs, optimizer, schedule, seed: args.num('seed') ?? 1, signal: ctx.signal,
    momentum: args.num('momentum') ?? 0.9, weightDecay: args.num('weight-decay') ?? 5e-4,
    ...(args.num('lr') !== undefined ? { lr: args.num('lr')! } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(val ? { validation: val } : {}),
    ...(aug.length ? { augment: { ...(aug.includes('crop') ? { cropPadding: 2 } : {}), ...(aug.includes('flip') ? { flip: true } : {}) } } : {}),
    onStep: (p) => bar.update(p.step, `epoch ${p.epoch + 1} loss ${p.loss.toFixed(3)} acc ${p.accuracy.toFixed(2)} lr ${p.lr.toPrecision(2)}`),
  };
  const h = await train(m.graph, ds, opts);
  if (h.interrupted) bar.fail(`interrupted after ${h.steps} steps; the weights of the last finished step are kept`);
  else bar.done(`${h.steps} steps`);
  const save = args.str('save');
  if (save) {
    const path = resolve(ctx.session.cwd, save);
    mkdirSync(dirname(path), { recursive: true });
    const files = saveNative(m.graph, path);
    ctx.stdout(`checkpoint: ${files.json}\n`);
  }
  if (h.interrupted) ctx.signal.throwIfAborted();
  return new MagicOutput(h, historyView(h, title));
}

export const trainMagic: MagicSpec = {
  name: 'train',
  kind: 'line',
  summary: 'train a session model (SGD/Adam, schedules) with live progress and history curves',
  usage: '%train [--model N] [--dataset D] [--epochs 1] [--batch-size 32] [--optimizer sgd|adam] [--lr X] [--schedule constant|step|cosine] [--seed S] [--save PATH]',
  flags: TRAIN_FLAGS,
  positionals: [],
  run: (args, ctx) => runTraining(args, ctx, 'train'),
};
