// Library mode beyond the CNN basics: mobilenet (depthwise Conv, Clip -> relu6) whole on the
// simulator, and small graphs with ConvTranspose, Sigmoid, Concat, Softmax, MatMul, Tanh and
// LeakyRelu, all equal to the reference executor; grouped Conv that is not depthwise is a clear error.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { lowerToLibrary } from '../../../src/codegen/library/index.js';
import { createGraph, type Graph, inferShapes, type Node } from '../../../src/ir/index.js';
import { compileLibrary, runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

async function check(g: Graph, shape: number[]) {
  const x = rand(shape.reduce((a, b) => a * b, 1), 5);
  const m = compileLibrary(g, T, 'O1');
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  return { m, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

const f32 = (name: string, shape: number[], seed: number) =>
  [name, { name, dtype: 'float32' as const, shape, data: rand(shape.reduce((a, b) => a * b, 1), seed) }] as const;

function graph(input: number[], nodes: Array<Omit<Node, 'attrs'> & { attrs?: Node['attrs'] }>, inits: Array<ReturnType<typeof f32>>): Graph {
  const g = createGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: input }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
    nodes: nodes.map((n) => ({ attrs: {}, ...n })),
    initializers: new Map(inits),
  });
  inferShapes(g);
  return g;
}

describe('library mode: every dsplib kernel', () => {
  test('mobilenet (depthwise conv, Clip(0,6) as relu6) equals the reference executor', async () => {
    const { m, err } = await check(zooModel('mobilenet', { input: [3, 16, 16], width: 0.25, classes: 10 }), [1, 3, 16, 16]);
    expect(err).toBeLessThanOrEqual(1e-4);
    const kernels = m.layers.map((l) => l.kernel);
    expect(kernels.filter((k) => k.startsWith('depthwise')).length).toBe(5);
    expect(kernels.filter((k) => k.startsWith('relu6')).length).toBe(11);
  });

  test('ConvTranspose + Sigmoid + Concat + Softmax equals the reference', async () => {
    const g = graph([1, 4, 4, 4], [
      { name: 'up', op: 'ConvTranspose', inputs: ['x', 'wt', 'bt'], outputs: ['d'], attrs: { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] } },
      { name: 'sig', op: 'Sigmoid', inputs: ['d'], outputs: ['s'] },
      { name: 'cat', op: 'Concat', inputs: ['s', 'd'], outputs: ['c'], attrs: { axis: 1 } },
      { name: 'sm', op: 'Softmax', inputs: ['c'], outputs: ['y'], attrs: { axis: -1 } },
    ], [f32('wt', [4, 3, 4, 4], 2), f32('bt', [3], 3)]);
    const { m, err } = await check(g, [1, 4, 4, 4]);
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.layers.map((l) => l.op)).toEqual(['ConvTranspose', 'Sigmoid', 'Concat', 'Softmax']);
  });

  test('MatMul + Tanh + LeakyRelu equals the reference', async () => {
    const g = graph([1, 24], [
      { name: 'mm', op: 'MatMul', inputs: ['x', 'b'], outputs: ['p'] },
      { name: 'th', op: 'Tanh', inputs: ['p'], outputs: ['q'] },
      { name: 'lr', op: 'LeakyRelu', inputs: ['q'], outputs: ['y'], attrs: { alpha: 0.2 } },
    ], [f32('b', [24, 12], 4)]);
    const { m, err } = await check(g, [1, 24]);
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.layers.map((l) => l.op)).toEqual(['MatMul', 'Tanh', 'LeakyRelu']);
  });

  test('grouped conv that is not depthwise, and Clip with other bounds, are clear errors naming the node', () => {
    const g = graph([1, 4, 6, 6], [{ name: 'gconv', op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 2 } }], [f32('w', [4, 2, 3, 3], 1)]);
    expect(() => lowerToLibrary(g, T)).toThrow(/node 'gconv' \(Conv\): group 2 with 4 input and 4 output channels\n  hint: library mode runs depthwise convolution/);
    const dw = graph([1, 4, 6, 6], [{ name: 'dw', op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { kernel_shape: [3, 1], pads: [1, 0, 1, 0], group: 4 } }], [f32('w', [4, 1, 3, 1], 1)]);
    expect(() => lowerToLibrary(dw, T)).toThrow(/node 'dw' \(Conv\): kernel 3x1\n  hint: the depthwise kernel takes square windows/);
    const c = graph([1, 8], [{ name: 'clamp', op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }], [f32('lo', [], 1), f32('hi', [], 2)]);
    expect(() => lowerToLibrary(c, T)).toThrow(/node 'clamp' \(Clip\): Clip\(/);
  });
});
