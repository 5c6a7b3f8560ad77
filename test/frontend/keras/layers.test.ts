// Keras layer variants beyond the fixtures (strides on odd sizes, dilation, depth multipliers,
// transposed conv geometry, SAME pooling, softmax on 4-D, spatial concat, rank-3/4 Dense...):
// models are built in tfjs, saved as TF.js layers models into a temp folder, imported, run by
// the reference executor and compared with tfjs' own predictions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { importTfjs } from '../../../src/frontend/tfjs/import.js';
import { inferShapes } from '../../../src/ir/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { maxRelError, randomInput, tfReady, toTf } from './oracle.js';

const root = mkdtempSync(join(tmpdir(), 'bwvm-keras-layers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** Save a tfjs model as model.json + one shard, import it, compare on a random batch. */
async function roundTrip(model: tf.LayersModel, inputShape: number[]): Promise<void> {
  // Non-trivial BN statistics and biases so every weight matters.
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length) layer.setWeights(ws.map((w, i) => (layer.getClassName() === 'BatchNormalization' && i === 3 ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', 7) : tf.randomNormal(w.shape, 0, 0.4, 'float32', 11 + i))));
  }
  const dir = join(root, `m${++count}`);
  await model.save(tf.io.withSaveHandler(async (a) => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'w.bin'), Buffer.from(a.weightData as ArrayBuffer));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const g = inferShapes(await importTfjs(dir));
  const x = randomInput(inputShape, count);
  const got = run(g, { [g.inputs[0]!.name]: x });
  const y = model.predict(toTf(x));
  const want = (Array.isArray(y) ? y : [y]) as tf.Tensor[];
  expect(g.outputs.length).toBe(want.length);
  g.outputs.forEach((o, i) => {
    expect(got[o.name]!.shape).toEqual(want[i]!.shape);
    expect(maxRelError(got[o.name]!.data as Float32Array, want[i]!.dataSync())).toBeLessThanOrEqual(1e-4);
  });
}

const L = tf.layers;

describe('Keras layer table against tfjs', () => {
  it('Conv2D: stride 2 SAME on odd sizes, dilation VALID, no bias, softmax over channels', async () => {
    await tfReady();
    const x = tf.input({ shape: [7, 9, 3], name: 'x' });
    const a = L.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', name: 'a' }).apply(x) as tf.SymbolicTensor;
    const b = L.conv2d({ filters: 5, kernelSize: 3, dilationRate: 2, padding: 'valid', useBias: false, activation: 'softmax', name: 'b' }).apply(x) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [a, b] }), [2, 7, 9, 3]);
  });

  it('DepthwiseConv2D multiplier 3 stride 2 VALID; SeparableConv2D multiplier 2 stride 2 SAME', async () => {
    await tfReady();
    const x = tf.input({ shape: [9, 8, 2], name: 'x' });
    const a = L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 3, strides: 2, padding: 'valid', activation: 'relu6', name: 'dw' }).apply(x) as tf.SymbolicTensor;
    const b = L.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'elu', name: 'sep' }).apply(x) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [a, b] }), [2, 9, 8, 2]);
  });

  it('Conv2DTranspose: VALID stride 2, SAME with kernel smaller than stride', async () => {
    await tfReady();
    const x = tf.input({ shape: [3, 4, 3], name: 'x' });
    const a = L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: 'tv' }).apply(x) as tf.SymbolicTensor;
    const b = L.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 3, padding: 'same', activation: 'tanh', name: 'ts' }).apply(x) as tf.SymbolicTensor;
    const c = L.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', name: 'ts4' }).apply(x) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [a, b, c] }), [2, 3, 4, 3]);
  });

  it('pooling with SAME padding (average excludes padding), global max pool, zero padding', async () => {
    await tfReady();
    const x = tf.input({ shape: [7, 7, 3], name: 'x' });
    const m = L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'mp' }).apply(x) as tf.SymbolicTensor;
    const a = L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'ap' }).apply(x) as tf.SymbolicTensor;
    const z = L.zeroPadding2d({ padding: 2, name: 'zp' }).apply(a) as tf.SymbolicTensor;
    const g = L.globalMaxPooling2d({ name: 'gmp' }).apply(z) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [m, g] }), [2, 7, 7, 3]);
  });

  it('merges: spatial Concatenate, Multiply, 3-way Add, Maximum, Average; ReLU max_value, LeakyReLU', async () => {
    await tfReady();
    const x = tf.input({ shape: [4, 4, 3], name: 'x' });
    const c1 = L.conv2d({ filters: 3, kernelSize: 1, name: 'c1' }).apply(x) as tf.SymbolicTensor;
    const c2 = L.conv2d({ filters: 3, kernelSize: 1, name: 'c2' }).apply(x) as tf.SymbolicTensor;
    const cat = L.concatenate({ axis: 2, name: 'cat_w' }).apply([c1, x]) as tf.SymbolicTensor;
    const cat1 = L.concatenate({ axis: 1, name: 'cat_h' }).apply([x, c2]) as tf.SymbolicTensor;
    const mul = L.multiply({ name: 'mul' }).apply([c1, c2]) as tf.SymbolicTensor;
    const sub = L.add({ name: 'sum3' }).apply([c1, c2, x]) as tf.SymbolicTensor;
    const mx = L.maximum({ name: 'mx' }).apply([mul, x]) as tf.SymbolicTensor;
    const av = L.average({ name: 'av' }).apply([mx, sub, c2]) as tf.SymbolicTensor;
    const r = L.reLU({ maxValue: 0.5, name: 'relu_cap' }).apply(av) as tf.SymbolicTensor;
    const lr = L.leakyReLU({ alpha: 0.1, name: 'leaky' }).apply(cat1) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [cat, r, lr] }), [2, 4, 4, 3]);
  });

  it('Dense on rank-4 and rank-3 values, Reshape, BatchNormalization after Dense, hard_sigmoid / swish', async () => {
    await tfReady();
    const x = tf.input({ shape: [3, 3, 4], name: 'x' });
    const c = L.conv2d({ filters: 4, kernelSize: 1, activation: 'swish', name: 'c' }).apply(x) as tf.SymbolicTensor;
    const d4 = L.dense({ units: 5, activation: 'hardSigmoid', name: 'd4' }).apply(c) as tf.SymbolicTensor;
    const r = L.reshape({ targetShape: [9, 5], name: 'r' }).apply(d4) as tf.SymbolicTensor;
    const d3 = L.dense({ units: 2, name: 'd3' }).apply(r) as tf.SymbolicTensor;
    const f = L.flatten({ name: 'f' }).apply(d3) as tf.SymbolicTensor;
    const d2 = L.dense({ units: 6, name: 'd2' }).apply(f) as tf.SymbolicTensor;
    const bn = L.batchNormalization({ name: 'bn' }).apply(d2) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [bn, d4] }), [2, 3, 3, 4]);
  });

  it('Rescaling, Cropping2D, nearest UpSampling2D', async () => {
    await tfReady();
    const x = tf.input({ shape: [5, 6, 2], name: 'x' });
    const r = L.rescaling({ scale: 1 / 127.5, offset: -1, name: 'rs' }).apply(x) as tf.SymbolicTensor;
    const c = L.cropping2D({ cropping: [[1, 0], [2, 1]], name: 'crop' }).apply(r) as tf.SymbolicTensor;
    const u = L.upSampling2d({ size: [2, 3], name: 'up' }).apply(c) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: u }), [2, 5, 6, 2]);
  });

  it('Flatten of an NCHW value: Dense permutes its rows; other consumers get channels-last order', async () => {
    await tfReady();
    const x = tf.input({ shape: [3, 4, 2], name: 'x' });
    const c = L.conv2d({ filters: 3, kernelSize: 2, padding: 'same', name: 'c' }).apply(x) as tf.SymbolicTensor;
    const f = L.flatten({ name: 'f' }).apply(c) as tf.SymbolicTensor;
    const act = L.activation({ activation: 'relu', name: 'act' }).apply(f) as tf.SymbolicTensor;
    const d = L.dense({ units: 4, name: 'd' }).apply(act) as tf.SymbolicTensor;
    const f2 = L.flatten({ name: 'f2' }).apply(x) as tf.SymbolicTensor;
    const cat = L.concatenate({ name: 'cat' }).apply([act, f2]) as tf.SymbolicTensor;
    const d2 = L.dense({ units: 2, name: 'd2' }).apply(cat) as tf.SymbolicTensor;
    await roundTrip(tf.model({ inputs: x, outputs: [d, act, d2] }), [2, 3, 4, 2]);
  });
});

describe('channels-last plumbing', () => {
  it('the Sequential CNN and the graph model need no transpose before their classifier', async () => {
    const { importKerasH5 } = await import('../../../src/frontend/keras/import-h5.js');
    const seq = await importKerasH5('fixtures/keras/sequential_cnn.h5');
    expect(seq.nodes.filter((n) => n.op === 'Transpose').map((n) => n.inputs[0])).toEqual(['conv2d_1_input']);
    const graph = await importTfjs('fixtures/tfjs/graph');
    expect(graph.nodes.filter((n) => n.op === 'Transpose').map((n) => n.inputs[0])).toEqual(['input']);
  });
});
