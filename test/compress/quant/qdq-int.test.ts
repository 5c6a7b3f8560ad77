// The int64 subgraphs of 16-bit layers in the QDQ export, bit for bit against the fixed-point
// reference in onnxruntime-node and in the bwDNN executor: the requantization alone (negative
// accumulators, ties, values around 2^31..2^32 where onnxruntime's int64 Max/Min misorder, shifts
// 17..68, saturation and a folded clamp), and whole int16 Convs (groups, stride, dilation,
// asymmetric pads), a Gemm and a GlobalAveragePool through toQdqGraph.
import { expect, test } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { Graph, Initializer, Tensor } from '../../../src/ir/types.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { integerRequant } from '../../../src/compress/quant/qdq-int.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { toQdqGraph } from '../../../src/compress/quant/qdq.js';
import { mulShift, quantizeTensor, runQuantized, saturate, type Multiplier } from '../../../src/bwdnn/quant/index.js';
import { integerQuantizeInput } from '../../../src/compress/quant/qdq-int.js';
import { tensorParams } from '../../../src/ir/quant.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { NetBuilder, Rng } from '../../../src/bwdnn/zoo/index.js';
import { exportOnnx } from '../../../src/frontend/onnx/index.js';

async function ortRun(g: Graph, feeds: Record<string, InstanceType<typeof ort.Tensor>>): Promise<Record<string, ArrayLike<number | bigint>>> {
  const s = await ort.InferenceSession.create(exportOnnx(g, { producer: 'bwvm' }), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const r = await s.run(feeds);
  await s.release();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.data as ArrayLike<number | bigint>]));
}

test('requantization: onnxruntime and the bwDNN executor equal rndsh(acc * M0, n) + zp, saturated', async () => {
  const r = new Rng(7);
  // one multiplier per column; shifts 17..68 (with 2^30 <= M0 < 2^31), incl. M0 = 2^30 (ties at every odd acc for n = 31)
  const mults: Multiplier[] = [17, 20, 31, 31, 40, 47, 48, 55, 62, 68].map((shift, i) => ({ m0: i === 2 ? 2 ** 30 : 2 ** 30 + Math.floor(r.next() * 2 ** 30), shift }));
  const cols = mults.length, zp = -123, clamp: [number, number] = [-30000, 32767];
  const accs: number[] = [0, -1, 1, 2 ** 31, 2 ** 31 + 5, 2 ** 32 - 1, -(2 ** 31), -(2 ** 31) - 7, -(2 ** 32) + 3, 2 ** 36, -(2 ** 36)];
  for (let i = 0; i < 400; i++) accs.push(Math.round((r.next() - 0.5) * 2 ** (1 + 36 * r.next())));
  const rows = accs.length, data = new BigInt64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) data[i * cols + c] = BigInt(accs[i]! * (c % 2 ? -1 : 1));
  const want = Array.from(data, (a, i) => saturate(zp + mulShift(Number(a), mults[i % cols]!), clamp[0], clamp[1]));
  const g = createGraph({ name: 'rq', opset: 21 });
  g.inputs = [{ name: 'acc', dtype: 'int64', shape: [rows, cols] }];
  g.nodes = integerRequant('rq', 'acc', mults, zp, 'int16', 'y', (t: Initializer) => { g.initializers.set(t.name, t); return t.name; }, clamp);
  g.outputs = [{ name: 'y', dtype: 'int16', shape: [rows, cols] }];
  inferShapes(g);
  const viaOrt = (await ortRun(g, { acc: new ort.Tensor('int64', data, [rows, cols]) })).y!;
  expect(Array.from(viaOrt as Int16Array)).toEqual(want);
  const viaRef = run(g, { acc: { dtype: 'int64', shape: [rows, cols], data } as Tensor }).y!.data as Int16Array;
  expect(Array.from(viaRef)).toEqual(want);
  // the values do reach both saturation bounds and the ties
  expect(want).toContain(32767);
  expect(want).toContain(-30000);
});

/** A small int16 net: grouped + strided + dilated + asymmetric-padded Convs, a Gemm, a GAP. */
function net(): Graph {
  const b = new NetBuilder('conv16', [4, 9, 11], 3);
  const a = b.act(b.conv(b.input, 8, { k: 3, pad: 1, bias: true }), 'Relu');
  const d = b.conv(a, 8, { k: 3, stride: 2, pad: 1, groups: 4, bias: true }); // grouped, strided, no clamp
  const g = b.build(b.dense(b.flatten(b.gap(d)), 5));
  const conv = g.nodes.filter((n) => n.op === 'Conv')[1]!;
  conv.attrs = { ...conv.attrs, dilations: [2, 1], pads: [2, 0, 1, 2] };
  return g;
}

const data = (n: number, seed: number): Tensor => ({ dtype: 'float32', shape: [n, 4, 9, 11], data: Float32Array.from({ length: n * 396 }, (_, i) => 2 * Math.sin(i * 0.731 + seed)) });

for (const perChannel of [true, false]) {
  test(`int16 ${perChannel ? 'per-channel' : 'per-tensor'} Conv (groups, stride, dilation, pads), GAP, Gemm: every integer value equal in onnxruntime`, async () => {
    const g = net();
    const m = lowerToInteger(g, collectStats(g, data(16, 1)), { bits: 16, perChannel });
    const qdq = toQdqGraph(m);
    expect(qdq.nodes.filter((n) => n.op === 'Conv' || n.op === 'Gemm' || n.op === 'GlobalAveragePool')).toEqual([]);
    const x = data(6, 2);
    const fixed = runQuantized(m, x, { keep: true });
    const names = m.nodes.map((n) => n.output);
    for (const v of names.slice(0, -1)) qdq.outputs.push({ name: `${v}_q`, dtype: 'int16', shape: [] });
    qdq.outputs.push({ name: 'input_q', dtype: 'int16', shape: [] });
    const got = await ortRun(qdq, { input: new ort.Tensor('float32', x.data as Float32Array, x.shape as number[]) });
    for (const v of ['input', ...names.slice(0, -1)]) expect(Array.from(got[`${v}_q`]! as Int16Array), v).toEqual(Array.from(fixed.values!.get(v)!.data));
    const s = m.values.get('logits')!.quant.scale[0]!, z = m.values.get('logits')!.quant.zeroPoint[0]!;
    expect(Array.from(got.logits! as Float32Array, (f) => Math.round(f / s) + z)).toEqual(Array.from(fixed.q.data));
    const viaRef = run(qdq, { input: x }).logits!.data as Float32Array;
    expect(Array.from(viaRef, (f) => Math.round(f / s) + z)).toEqual(Array.from(fixed.q.data));
  });
}

test('int16 input quantization: equal to round_half_even(x / s) + zp at exact and near halves, tiny values and saturation', async () => {
  const r = new Rng(11);
  for (const [s, zp] of [[Math.fround(6.1036073e-5), 0], [Math.fround(0.0123), -517], [Math.fround(3.7e-9), 12000]] as const) {
    const v = { dtype: 'int16' as const, quant: tensorParams(s, zp) };
    const xs: number[] = [0, -0, s / 4, -s / 3, 1e-30, 40000 * s, -40000 * s, 3e38, -3e38];
    for (let i = 0; i < 3000; i++) {
      const k = Math.floor((r.next() - 0.5) * 70000) + 0.5, near = Math.fround(k * s);
      // the float32 nearest to (k + 1/2) s and its neighbours: onnxruntime's float32 quotient lands on k + 1/2
      const u = new Float32Array([near]), bits = new Int32Array(u.buffer);
      const d = Math.floor(r.next() * 5) - 2;
      bits[0] = bits[0]! + d;
      xs.push(u[0]!, (r.next() - 0.5) * 80000 * s);
    }
    const x = Float32Array.from(xs), n = x.length;
    const g = createGraph({ name: 'q', opset: 21 });
    g.inputs = [{ name: 'x', dtype: 'float32', shape: [n] }];
    g.nodes = integerQuantizeInput('x', v, 'y', (t: Initializer) => { g.initializers.set(t.name, t); return t.name; });
    g.outputs = [{ name: 'y', dtype: 'int16', shape: [n] }];
    inferShapes(g);
    const want = Array.from(quantizeTensor(x, v));
    expect(Array.from((await ortRun(g, { x: new ort.Tensor('float32', x, [n]) })).y! as Int16Array)).toEqual(want);
    expect(Array.from(run(g, { x: { dtype: 'float32', shape: [n], data: x } }).y!.data as Int16Array)).toEqual(want);
    expect(want).toContain(32767);
    expect(want).toContain(-32768);
  }
});
