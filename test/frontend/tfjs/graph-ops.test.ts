// Graph-model op variants written as GraphDef JSON in the test (explicit padding, SAME pools,
// fused depthwise + Relu6, fused conv + LeakyRelu, FusedBatchNormV2, constants broadcast against NCHW values,
// AddN, Pad, Mean keep_dims + Squeeze, Max, flatten-Reshape + MatMul with transpose_b) and run
// by both tf.loadGraphModel and bwvm's importer + reference executor.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { importTfjs } from '../../../src/frontend/tfjs/import.js';
import { inferShapes } from '../../../src/ir/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { maxRelError, randomInput, tfReady, tfjsArtifacts, toTf } from '../keras/oracle.js';

const root = mkdtempSync(join(tmpdir(), 'bwvm-tfjs-graph-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Attr = Record<string, unknown>;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
const str = (s: string) => ({ s: b64(s) });
const T = { type: 'DT_FLOAT' };

class G {
  nodes: Attr[] = [];
  consts: { name: string; data: Float32Array | Int32Array; shape: number[] }[] = [];
  private seed = 1;
  constructor(shape: number[]) {
    this.nodes.push({ name: 'x', op: 'Placeholder', attr: { dtype: T, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
  }
  rnd(name: string, shape: number[], lo = -0.5, hi = 0.5): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) { this.seed = (this.seed * 1103515245 + 12345) >>> 0; data[i] = lo + ((this.seed >>> 8) / 2 ** 24) * (hi - lo); }
    return this.const(name, data, shape);
  }
  const(name: string, data: Float32Array | Int32Array, shape: number[]): string {
    const dt = data instanceof Float32Array ? 'DT_FLOAT' : 'DT_INT32';
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: dt }, value: { tensor: { dtype: dt, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } });
    this.consts.push({ name, data, shape });
    return name;
  }
  op(name: string, op: string, input: string[], attr: Attr = {}): string {
    this.nodes.push({ name, op, input, attr: { T, ...attr } });
    return name;
  }
  /** Write the folder and compare bwvm with tfjs on `outputs`. */
  async check(dir: string, outputs: string[], inputShape: number[]): Promise<void> {
    await tfReady();
    const d = join(root, dir);
    mkdirSync(d);
    const weights = this.consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.data instanceof Float32Array ? 'float32' : 'int32' }));
    writeFileSync(join(d, 'w.bin'), Buffer.concat(this.consts.map((c) => Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength))));
    writeFileSync(join(d, 'model.json'), JSON.stringify({
      format: 'graph-model', modelTopology: { node: this.nodes, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['w.bin'], weights }],
      signature: { inputs: { 'x:0': { name: 'x:0' } }, outputs: Object.fromEntries(outputs.map((o) => [`${o}:0`, { name: `${o}:0` }])) },
    }));
    const g = inferShapes(await importTfjs(d));
    const model = await tf.loadGraphModel(tf.io.fromMemory(tfjsArtifacts(d)));
    const x = randomInput(inputShape, 21);
    const want = model.execute(toTf(x), outputs) as tf.Tensor | tf.Tensor[];
    const wants = Array.isArray(want) ? want : [want];
    const got = run(g, { x });
    expect(g.outputs.length).toBe(outputs.length);
    g.outputs.forEach((o, i) => {
      expect(got[o.name]!.shape).toEqual(wants[i]!.shape);
      expect(maxRelError(got[o.name]!.data as Float32Array, wants[i]!.dataSync())).toBeLessThanOrEqual(1e-4);
    });
  }
}

const conv = (s: number, pad: string, extra: Attr = {}) => ({ strides: ints(1, s, s, 1), padding: str(pad), data_format: str('NHWC'), dilations: ints(1, 1, 1, 1), ...extra });

describe('TF.js graph-model ops against tf.loadGraphModel', () => {
  it('explicit padding, SAME pools, fused depthwise + Relu6, fused conv + LeakyRelu, FusedBatchNormV2, Elu', async () => {
    const g = new G([-1, 7, 7, 3]);
    const a = g.op('ex', 'Conv2D', ['x', g.rnd('k1', [3, 3, 3, 4])], conv(2, 'EXPLICIT', { explicit_paddings: ints(0, 0, 1, 2, 2, 0, 0, 0) }));
    const mp = g.op('mp', 'MaxPool', [a], { ksize: ints(1, 3, 3, 1), strides: ints(1, 2, 2, 1), padding: str('SAME'), data_format: str('NHWC') });
    const dw = g.op('dw', 'FusedDepthwiseConv2dNative', ['x', g.rnd('kd', [3, 3, 3, 2]), g.rnd('bd', [6])], { ...conv(1, 'SAME'), num_args: { i: '1' }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } } });
    const fc = g.op('fc', '_FusedConv2D', [dw, g.rnd('k2', [1, 1, 6, 5]), g.rnd('b2', [5])],
      { ...conv(1, 'VALID'), num_args: { i: '1' }, leakyrelu_alpha: { f: 0.15 }, fused_ops: { list: { s: [b64('BiasAdd'), b64('LeakyRelu')] } } });
    const bn = g.op('bn', 'FusedBatchNormV2', [fc, g.rnd('sc', [5], 0.5, 1.5), g.rnd('of', [5]), g.rnd('mu', [5]), g.rnd('va', [5], 0.5, 1.5)],
      { epsilon: { f: 0.001 }, data_format: str('NHWC'), is_training: { b: false } });
    const el = g.op('el', 'Elu', [bn]);
    await g.check('nn', [mp, el], [2, 7, 7, 3]);
  });

  it('constants broadcast against NCHW values, AddN, Pad, Mean keep_dims + Squeeze, Max, Reshape + MatMul(transpose_b)', async () => {
    const g = new G([-1, 4, 4, 3]);
    const c = g.op('c', 'Conv2D', ['x', g.rnd('k', [1, 1, 3, 3])], conv(1, 'SAME'));
    const m = g.op('m', 'Mul', [c, g.rnd('scale', [3])]);
    const s = g.op('s', 'Sub', [g.rnd('full', [1, 4, 4, 3]), m]);
    const n = g.op('n', 'AddN', [s, c, m], { N: { i: '3' } });
    const p = g.op('p', 'Pad', [n, g.const('pads', Int32Array.from([0, 0, 1, 0, 0, 2, 0, 0]), [4, 2])], { Tpaddings: { type: 'DT_INT32' } });
    const mean = g.op('mean', 'Mean', [p, g.const('ax', Int32Array.from([1, 2]), [2])], { keep_dims: { b: true } });
    const sq = g.op('sq', 'Squeeze', [mean], { squeeze_dims: ints(1, 2) });
    const mx = g.op('mx', 'Max', [p, g.const('ax2', Int32Array.from([1, 2]), [2])], { keep_dims: { b: false } });
    const both = g.op('both', 'AddV2', [sq, mx]);
    const r = g.op('r', 'Reshape', [p, g.const('shape', Int32Array.from([-1, 5 * 6 * 3]), [2])]);
    const mm = g.op('mm', 'MatMul', [r, g.rnd('wt', [4, 90])], { transpose_a: { b: false }, transpose_b: { b: true } });
    const sm = g.op('sm', 'Softmax', [mm]);
    await g.check('plumbing', [both, sm], [2, 4, 4, 3]);
  });
});
