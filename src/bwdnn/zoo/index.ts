// The model zoo table: name -> architecture builder (seeded initialization). Pretrained
// checkpoints, when present, are loaded on top of these architectures by name.
import type { Graph } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import { lenet5, mobilenet, plain20, resnet20, vggSmall, type ZooOptions } from './models.js';

export type { ZooOptions } from './models.js';
export { NetBuilder } from './builder.js';
export { Rng } from './rng.js';
export { ZOO_RECIPES, shippedCheckpoint, pretrainedNames, zooCheckpointDir, type ZooRecipe, type ZooRecord, type ShippedCheckpoint } from './pretrained.js';

export interface ZooEntry {
  name: string;
  summary: string;
  build(o?: ZooOptions): Graph;
}

export const ZOO: readonly ZooEntry[] = [
  { name: 'lenet5', summary: 'LeNet-5: two 5x5 convs, three dense layers', build: lenet5 },
  { name: 'vgg_small', summary: 'CIFAR-style VGG: 6 conv-BN-ReLU layers in 3 stages, max-pool, dense', build: vggSmall },
  { name: 'plain20', summary: 'plain-20: ResNet-20 without shortcuts (AMC CIFAR net)', build: plain20 },
  { name: 'resnet20', summary: 'ResNet-20 for CIFAR-size inputs, projection shortcuts', build: resnet20 },
  { name: 'mobilenet', summary: 'MobileNet-style depthwise-separable net with ReLU6', build: mobilenet },
];

export function zooNames(): string[] {
  return ZOO.map((z) => z.name);
}

export function zooModel(name: string, o: ZooOptions = {}): Graph {
  const e = ZOO.find((z) => z.name === name);
  if (!e) throw new BwvmError('ZOO_UNKNOWN', `no zoo model '${name}'`, { hint: `zoo models: ${zooNames().join(', ')}` });
  return e.build(o);
}
