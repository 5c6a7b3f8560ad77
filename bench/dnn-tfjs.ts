// tfjs-backend-wasm (XNNPACK) peer of `npm run bench:dnn`: the bench's workloads written with
// TF.js ops in TF.js's own NHWC layout, on the WebAssembly backend loaded from node_modules
// (no network). TF.js's WASM backend is single-threaded in Node (no web workers).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Runs one iteration and waits for its result; disposes what it made. */
export type TfRunner = () => Promise<void>;

let ready: Promise<string> | undefined;
/** Selects the WASM backend once; returns a description ('wasm simd, 1 thread'). */
export function tfjsWasm(): Promise<string> {
  ready ??= (async () => {
    const req = createRequire(import.meta.url);
    setWasmPaths(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialize');
    await tf.ready();
    return `tfjs ${tf.version.tfjs} wasm${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ' simd' : ''}, ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : '1 thread'}`;
  })();
  return ready;
}

const sync = async (t: tf.Tensor | tf.Tensor[]) => {
  const ts = Array.isArray(t) ? t : [t];
  await Promise.all(ts.map((x) => x.data()));
  tf.dispose(ts);
};

export function tfConv(N: number, C: number, H: number, W: number, Cout: number, depthwise = false): TfRunner {
  const x = tf.randomNormal([N, H, W, C]);
  const b = tf.randomNormal([Cout]);
  if (depthwise) {
    const w = tf.randomNormal([3, 3, C, 1]);
    return () => sync(tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b));
  }
  const w = tf.randomNormal([3, 3, C, Cout]);
  return () => sync(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b }));
}

export function tfGemm(S: number): TfRunner {
  const a = tf.randomNormal([S, S]), b = tf.randomNormal([S, S]);
  return () => sync(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
}

/** The zoo's vgg_small for 1x28x28 (src/bwdnn/zoo/models.ts), NHWC, conv-BN-ReLU unfused. */
function vggParams() {
  const layers: { w: tf.Variable; gamma: tf.Variable; beta: tf.Variable; mean: tf.Tensor; variance: tf.Tensor }[] = [];
  let cin = 1;
  for (const c of [32, 64, 128]) for (let i = 0; i < 2; i++) {
    layers.push({
      w: tf.variable(tf.randomNormal([3, 3, cin, c], 0, Math.sqrt(2 / (9 * cin)))),
      gamma: tf.variable(tf.ones([c])), beta: tf.variable(tf.zeros([c])), mean: tf.zeros([c]), variance: tf.ones([c]),
    });
    cin = c;
  }
  return { layers, fcW: tf.variable(tf.randomNormal([128 * 9, 10], 0, 0.04)), fcB: tf.variable(tf.zeros([10])) };
}

function vggForward(p: ReturnType<typeof vggParams>, x: tf.Tensor4D, training: boolean): tf.Tensor2D {
  let h: tf.Tensor4D = x;
  p.layers.forEach((l, i) => {
    const y = tf.conv2d(h, l.w as tf.Tensor4D, 1, 'same');
    const m = training ? tf.moments(y, [0, 1, 2]) : { mean: l.mean, variance: l.variance };
    h = tf.relu(tf.batchNorm(y, m.mean, m.variance, l.beta, l.gamma, 1e-5)) as tf.Tensor4D;
    if (i % 2 === 1) h = tf.maxPool(h, 2, 2, 'valid');
  });
  return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]), p.fcW), p.fcB) as tf.Tensor2D;
}

export function tfVggInference(N: number): TfRunner {
  const p = vggParams(), x = tf.randomNormal([N, 28, 28, 1]) as tf.Tensor4D;
  return () => sync(tf.tidy(() => vggForward(p, x, false)));
}

/** One SGD step (softmax cross-entropy); throws if the backend lacks a gradient kernel. */
export function tfVggTrainStep(N: number): TfRunner {
  const p = vggParams(), x = tf.randomNormal([N, 28, 28, 1]) as tf.Tensor4D;
  const y = tf.oneHot(tf.randomUniform([N], 0, 10, 'int32') as tf.Tensor1D, 10);
  const opt = tf.train.momentum(0.01, 0.9);
  return async () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, vggForward(p, x, true)) as tf.Scalar, true);
    await sync(loss!);
  };
}
