// Architectures of the model zoo, for 28x28x1 (Fashion-MNIST) and 32x32x3 (CIFAR) inputs:
// lenet5, vgg_small (CIFAR-style VGG), plain20 and resnet20 (the CIFAR nets of the AMC paper),
// and a MobileNet-style net of depthwise-separable blocks.
import type { Graph } from '../../ir/types.js';
import { NetBuilder } from './builder.js';

export interface ZooOptions {
  /** Input [C, H, W]; default [1, 28, 28]. */
  input?: [number, number, number];
  classes?: number;
  seed?: number;
  /** Width multiplier for the conv channels (default 1). */
  width?: number;
}

const opts = (o: ZooOptions) => ({ input: o.input ?? [1, 28, 28] as [number, number, number], classes: o.classes ?? 10, seed: o.seed ?? 1, width: o.width ?? 1 });
const ch = (c: number, w: number) => Math.max(1, Math.round(c * w));

export function lenet5(o: ZooOptions = {}): Graph {
  const { input, classes, seed } = opts(o);
  const b = new NetBuilder('lenet5', input, seed);
  let x = b.maxpool(b.relu(b.conv(b.input, 6, { k: 5, pad: 2, bias: true })));
  x = b.maxpool(b.relu(b.conv(x, 16, { k: 5, pad: 0, bias: true })));
  x = b.relu(b.dense(b.flatten(x), 120));
  x = b.relu(b.dense(x, 84));
  return b.build(b.dense(x, classes));
}

/** CIFAR-style VGG: (conv-BN-ReLU) x2 per stage, max-pool between stages, one classifier layer. */
export function vggSmall(o: ZooOptions = {}): Graph {
  const { input, classes, seed, width } = opts(o);
  const b = new NetBuilder('vgg_small', input, seed);
  let x = b.input;
  for (const c of [32, 64, 128]) {
    x = b.relu(b.bn(b.conv(x, ch(c, width))));
    x = b.relu(b.bn(b.conv(x, ch(c, width))));
    x = b.maxpool(x);
  }
  return b.build(b.dense(b.flatten(x), classes));
}

/** ResNet-20 (residual = true) or its plain counterpart plain-20 (He et al.; AMC's CIFAR nets). */
function cifarResnet(name: string, residual: boolean, o: ZooOptions): Graph {
  const { input, classes, seed, width } = opts(o);
  const b = new NetBuilder(name, input, seed);
  let x = b.relu(b.bn(b.conv(b.input, ch(16, width))));
  [16, 32, 64].forEach((c, stage) => {
    for (let blk = 0; blk < 3; blk++) {
      const stride = stage > 0 && blk === 0 ? 2 : 1;
      const cout = ch(c, width);
      const y = b.bn(b.conv(b.relu(b.bn(b.conv(x, cout, { stride }))), cout));
      if (!residual) { x = b.relu(y); continue; }
      const shortcut = stride !== 1 || b.chw(x)[0] !== cout ? b.bn(b.conv(x, cout, { k: 1, stride, pad: 0 })) : x;
      x = b.relu(b.add(y, shortcut));
    }
  });
  return b.build(b.dense(b.flatten(b.gap(x)), classes));
}

export const resnet20 = (o: ZooOptions = {}): Graph => cifarResnet('resnet20', true, o);
export const plain20 = (o: ZooOptions = {}): Graph => cifarResnet('plain20', false, o);

/** MobileNet-style: a stem conv, depthwise-separable blocks (dw3x3-BN-ReLU6, pw1x1-BN-ReLU6), GAP. */
export function mobilenet(o: ZooOptions = {}): Graph {
  const { input, classes, seed, width } = opts(o);
  const b = new NetBuilder('mobilenet', input, seed);
  let x = b.act(b.bn(b.conv(b.input, ch(16, width))), 'Relu6');
  for (const [c, s] of [[32, 1], [64, 2], [64, 1], [128, 2], [128, 1]] as const) {
    const cin = b.chw(x)[0];
    x = b.act(b.bn(b.conv(x, cin, { stride: s, groups: cin })), 'Relu6');
    x = b.act(b.bn(b.conv(x, ch(c, width), { k: 1, pad: 0 })), 'Relu6');
  }
  return b.build(b.dense(b.flatten(b.gap(x)), classes));
}
