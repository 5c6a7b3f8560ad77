// Pretrained zoo checkpoints: the training recipe of each zoo network (scripts/train-zoo.ts
// reproduces the shipped files from it) and where the shipped checkpoint and its JSON record
// (fixtures/zoo/<name>.bwvm + <name>.json) are. Reading the .bwvm itself is the frontend's job.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Augment } from '../data/batches.js';

export interface ZooRecipe {
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: 'constant' | 'step' | 'cosine';
  seed: number;
  augment?: Augment;
}

/** Fashion-MNIST recipes (input 1x28x28). SGD with momentum, cosine annealing over the run. */
export const ZOO_RECIPES: Readonly<Record<string, ZooRecipe>> = {
  lenet5: { epochs: 10, batchSize: 64, optimizer: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 1 },
  vgg_small: { epochs: 15, batchSize: 64, optimizer: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 1, augment: { flip: true, cropPadding: 2 } },
  resnet20: { epochs: 15, batchSize: 64, optimizer: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 1, augment: { flip: true, cropPadding: 2 } },
  // the compression study's third network (ResNet-20 without shortcuts): resnet20's recipe
  plain20: { epochs: 15, batchSize: 64, optimizer: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 1, augment: { flip: true, cropPadding: 2 } },
};

/** The JSON record written next to a checkpoint by scripts/train-zoo.ts. */
export interface ZooRecord {
  model: string;
  testAccuracy: number;
  testImages: number;
  normalization: { mean: number[]; std: number[] };
  recipe: ZooRecipe;
  trainSeconds: number;
  gitCommit: string;
  [k: string]: unknown;
}

export interface ShippedCheckpoint { name: string; path: string; record: ZooRecord }

/** fixtures/zoo in the bwvm checkout or package, found by walking up from this file. */
export function zooCheckpointDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const c = join(dir, 'fixtures', 'zoo');
    if (existsSync(c)) return c;
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  return undefined;
}

/** The shipped checkpoint of zoo network `name`, or undefined when none is shipped. */
export function shippedCheckpoint(name: string, dir = zooCheckpointDir()): ShippedCheckpoint | undefined {
  if (!dir || !/^\w+$/.test(name)) return undefined;
  const path = join(dir, `${name}.bwvm`), rec = join(dir, `${name}.json`);
  if (!existsSync(path) || !existsSync(rec)) return undefined;
  return { name, path, record: JSON.parse(readFileSync(rec, 'utf8')) as ZooRecord };
}

/** Names of the zoo networks with a shipped checkpoint. */
export function pretrainedNames(names: readonly string[]): string[] {
  return names.filter((n) => shippedCheckpoint(n) !== undefined);
}
