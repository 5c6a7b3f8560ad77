// %finetune: the training loop on the current (e.g. compressed) model with the same flags as
// %train, so every strategy gets the same fine-tuning schedule.
import type { MagicSpec } from '../types.js';
import { TRAIN_FLAGS, runTraining } from '../train/train.js';

export const finetuneMagic: MagicSpec = {
  name: 'finetune',
  kind: 'line',
  summary: 'fine-tune a (compressed) model: %train with the same flags, for fair comparisons',
  usage: '%finetune [--model N] [--epochs 1] [--lr 0.01] [--schedule cosine] ...',
  flags: TRAIN_FLAGS,
  positionals: [],
  run: (args, ctx) => runTraining(args, ctx, 'finetune'),
};
