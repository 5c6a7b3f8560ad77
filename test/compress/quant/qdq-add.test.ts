// The exported integer Add (int64 ONNX ops) against the fixed-point reference's Add kernel, bit
// for bit, in onnxruntime-node and in the bwDNN reference executor: int8 and int16, multipliers
// below and above 1, exact halves (ties, where rndsh rounds up and QuantizeLinear to even), a
// multiplier small enough that every term rounds to 0, and saturation at both ends.
import { expect, test } from 'vitest';
import * as ort from 'onnxruntime-node';
import type { Graph, Initializer, Tensor } from '../../../src/ir/types.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { quantRange, tensorParams } from '../../../src/ir/quant.js';
import { integerAdd } from '../../../src/compress/quant/qdq-add.js';
import { QKERNELS } from '../../../src/bwdnn/quant/index.js';
import type { QValue } from '../../../src/bwdnn/quant/model.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { exportOnnx } from '../../../src/frontend/onnx/index.js';
import { Rng } from '../../../src/bwdnn/zoo/index.js';

const v = (dtype: 'int8' | 'int16', scale: number, zp: number): QValue => ({ dtype, quant: tensorParams(scale, zp) });

function graph(a: QValue, b: QValue, y: QValue, n: number): Graph {
  const g = createGraph({ name: 'add', opset: 21 });
  const init = (t: Initializer) => { g.initializers.set(t.name, t); return t.name; };
  g.inputs = [{ name: 'a', dtype: a.dtype, shape: [n] }, { name: 'b', dtype: b.dtype, shape: [n] }];
  g.nodes = integerAdd('add', 'a', 'b', a, b, y, 'y', init);
  g.outputs = [{ name: 'y', dtype: y.dtype, shape: [n] }];
  inferShapes(g);
  return g;
}

const CASES: [string, number, number][] = [
  // [what, s_a / s_y, s_b / s_y]
  ['below 1', 0.4137, 0.8711],
  ['ties (1/2, 3/2)', 0.5, 1.5],
  ['above 1 (saturates)', 3.71, 1],
  ['tiny (shift past 48)', 3e-12, 0.25],
];

for (const dt of ['int8', 'int16'] as const) for (const [what, ra, rb] of CASES) {
  test(`${dt} ${what}: onnxruntime and the bwDNN executor equal the reference Add`, async () => {
    const [lo, hi] = quantRange(dt), sy = 0.02;
    const a = v(dt, ra * sy, dt === 'int8' ? -7 : -300), b = v(dt, rb * sy, dt === 'int8' ? 11 : 1234), y = v(dt, sy, dt === 'int8' ? 3 : -25);
    const r = new Rng(ra * 1000 + rb);
    const n = 4096, A = new Int32Array(n), B = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // extremes first, then random values over the whole range
      A[i] = i < 4 ? [lo, hi, lo, hi][i]! : lo + Math.floor(r.next() * (hi - lo + 1));
      B[i] = i < 4 ? [lo, hi, hi, lo][i]! : lo + Math.floor(r.next() * (hi - lo + 1));
    }
    const want = QKERNELS.get('Add')!([{ shape: [n], data: A }, { shape: [n], data: B }], { node: { name: 'add', op: 'Add', inputs: ['a', 'b'], output: 'y', attrs: {}, from: ['add'] }, inputs: [a, b], output: y }).data;
    const g = graph(a, b, y, n);
    const Typed = dt === 'int8' ? Int8Array : Int16Array;
    const s = await ort.InferenceSession.create(exportOnnx(g, { producer: 'bwvm' }), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const got = (await s.run({ a: new ort.Tensor(dt, Typed.from(A), [n]), b: new ort.Tensor(dt, Typed.from(B), [n]) })).y!.data as Int8Array | Int16Array;
    await s.release();
    expect(Array.from(got)).toEqual(Array.from(want));
    const feed = (name: string, d: Int32Array): Tensor => ({ dtype: dt, shape: [n], data: Typed.from(d) });
    expect(Array.from(run(g, { a: feed('a', A), b: feed('b', B) }).y!.data as Int8Array)).toEqual(Array.from(want));
    // the cases do exercise rounding and saturation
    expect(new Set(want).size).toBeGreaterThan(ra < 1e-6 ? 1 : 20);
    if (ra > 3) expect(Array.from(want)).toContain(hi);
  });
}
