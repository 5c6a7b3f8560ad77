// The fast op table in the reference executor's Kernel contract: each op on single-node
// graphs against the reference kernel, plus the fallback for configurations it does not cover.
import { describe, it, expect, afterAll } from 'vitest';
import type { Graph, Tensor } from '../../../src/ir/types.js';
import { requireOp } from '../../../src/ir/ops/index.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { kernelContext, type Kernel } from '../../../src/bwdnn/reference/kernel.js';
import { allocData } from '../../../src/ir/dtype.js';
import { createRuntime } from '../../../src/bwdnn/kernels/runtime.js';
import { fastKernels, FAST_OPS } from '../../../src/bwdnn/kernels/ops.js';
import { singleNode, randTensor, floats, type InSpec } from '../reference/ort-support.js';
import { relErr } from './naive.js';

const rt = createRuntime({ threads: 2, relaxed: 'off', spinMicros: 20 });
afterAll(() => rt.close());
const table = fastKernels(rt);

/** Runs the graph's single node with `kernel`. */
function runNode(g: Graph, feeds: Record<string, Tensor>, kernel: Kernel): Tensor {
  const node = g.nodes[0];
  const x = node.inputs.map((n) => (n ? feeds[n] ?? g.initializers.get(n) : undefined));
  const ctx = kernelContext(node, requireOp(node.op, node.name), g.opset, x, (dt, shape) => ({ dtype: dt, shape, data: allocData(dt, shape.reduce((a, b) => a * b, 1)) }));
  return kernel(x, ctx)[0];
}

const init = (shape: number[], seed: number): InSpec => ({ shape, init: randTensor(shape, seed) });
const cases: [string, Record<string, number | number[] | string>, InSpec[]][] = [
  ['Conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, [{ shape: [2, 3, 9, 9] }, init([6, 3, 3, 3], 1), init([6], 2)]],
  ['Conv', { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER', group: 4 }, [{ shape: [1, 8, 10, 10] }, init([8, 2, 3, 3], 3)]],
  ['Gemm', { transB: 1 }, [{ shape: [5, 20] }, init([7, 20], 4), init([7], 5)]],
  ['Gemm', { transA: 1 }, [{ shape: [20, 5] }, init([20, 7], 6)]],
  ['Gemm', { alpha: 0.5, beta: 2 }, [{ shape: [5, 20] }, init([20, 7], 6), init([5, 7], 7)]], // falls back
  ['MatMul', {}, [{ shape: [6, 11] }, init([11, 9], 8)]],
  ['MatMul', {}, [{ shape: [2, 6, 11] }, init([11, 9], 8)]], // batched: falls back
  ['MaxPool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, [{ shape: [2, 3, 10, 10] }]],
  ['AveragePool', { kernel_shape: [2, 2], strides: [2, 2] }, [{ shape: [2, 3, 10, 10] }]],
  ['GlobalAveragePool', {}, [{ shape: [2, 5, 7, 7] }]],
  ['BatchNormalization', { epsilon: 1e-3 }, [{ shape: [2, 4, 5, 5] }, init([4], 9), init([4], 10), init([4], 11),
    { shape: [4], init: floats([1, 2, 0.5, 1.5]) }]],
  ['Relu', {}, [{ shape: [3, 50] }]],
  ['LeakyRelu', { alpha: 0.2 }, [{ shape: [3, 50] }]],
  ['Sigmoid', {}, [{ shape: [3, 50] }]],
  ['Tanh', {}, [{ shape: [3, 50] }]],
  ['HardSwish', {}, [{ shape: [3, 50] }]],
  ['Clip', {}, [{ shape: [3, 50] }, { shape: [], init: floats([0], []) }, { shape: [], init: floats([6], []) }]],
  ['Clip', {}, [{ shape: [3, 50] }, { shape: [], init: floats([-0.5], []) }, { shape: [], init: floats([0.5], []) }]], // falls back
  ['Add', {}, [{ shape: [2, 3, 4] }, { shape: [2, 3, 4] }]],
  ['Mul', {}, [{ shape: [2, 3, 4] }, { shape: [4] }]], // broadcast: falls back
];

/** Indices of the cases the fast kernels leave to the reference. */
const FALLBACKS = new Set(cases.flatMap((_, i) => ([4, 6, 17, 19].includes(i) ? [i] : [])));

describe('fast op table', () => {
  it('covers the ops the fast kernels implement', () => {
    for (const op of Object.keys(FAST_OPS)) expect(table.get(op), op).toBeDefined();
    expect(table.get('Softmax')).toBeDefined(); // the rest of the table is the reference's
  });

  it.each(cases.map((c) => [`${c[0]} ${JSON.stringify(c[1])}`, c] as const))('%s matches the reference', (_, [op, attrs, ins]) => {
    const { graph, feeds } = singleNode(op, attrs, ins, 13);
    const scaled: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) scaled[k] = { ...t, data: (t.data as Float32Array).map((v) => v * 4) };
    const want = run(graph, scaled).out0;
    const got = runNode(graph, scaled, table.get(op)!);
    expect(got.shape).toEqual(want.shape);
    expect(relErr(got.data as Float32Array, want.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    // the fast kernel itself handled it, unless the case is marked as a fallback
    const fallback = FALLBACKS.has(cases.findIndex((c) => c[2] === ins));
    const direct = runNode(graph, scaled, (x, ctx) => FAST_OPS[op](rt, x, ctx) ?? []);
    expect(direct === undefined, op).toBe(fallback);
  });
});
