// Generated mode end to end: lenet5, a small-width vgg_small and resnet20 lowered by lowerToDsp
// (fused conv/BN/add/activation and dense/ReLU kernels, inlined, greedy-planned memory), run whole
// on the real simulator; outputs equal the reference executor (max rel err <= 1e-4); one region
// per fused layer; simultaneously live buffers never overlap; unknown ops are named errors.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { lowerToDsp, parseKernel } from '../../../src/codegen/dsp/index.js';
import { createGraph, type Graph, inferShapes } from '../../../src/ir/index.js';
import { findOverlaps } from '../../../src/memory/index.js';
import { optimize } from '../../../src/opt/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

async function check(g: Graph, shape: number[], layout: 'banked' | 'packed' = 'banked') {
  const x = rand(shape.reduce((a, b) => a * b, 1), 7);
  const m = lowerToDsp(optimize(g, 'O1').graph, T, { layout });
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  return { m, r, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

describe('generated mode on the simulator', () => {
  test('lenet5: conv+relu+maxpool and dense+relu fused, output equals the reference', async () => {
    const { m, r, err } = await check(zooModel('lenet5'), [1, 1, 28, 28]);
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.layers.map((l) => l.op)).toEqual(['Conv+Relu+MaxPool', 'Conv+Relu', 'MaxPool', 'Gemm+Relu', 'Gemm+Relu', 'Gemm']);
    expect(m.program.regions.map((x) => x.name)).toEqual(m.layers.map((l) => l.node));
    expect(r.layers.reduce((a, l) => a + l.cycles, 0)).toBe(r.profile.cycles);
    expect(findOverlaps(m.plan.placements)).toEqual([]);
    // lowerBound rounds every buffer up to 8 words; each arena's greedy top leaves its last buffer unrounded
    expect(m.plan.arenaWords).toBeGreaterThanOrEqual(m.plan.lowerBoundWords - 2 * 8);
    expect(m.program.lines.flatMap((l) => l.slots.map((s) => s.op)).filter((op) => /^(call|ret)$/.test(op))).toEqual([]);
    expect(m.asm).not.toMatch(/\bcall\b/);
    // banked layout: each layer's activation input and output sit in different memory blocks
    expect(m.plan.layout).toBe('banked');
    const blockOf = (v: string): number => Math.floor((m.plan.arenaBase + m.plan.placements.find((p) => p.id === v)!.offset) / T.memory.blockWords);
    const conv2 = optimize(zooModel('lenet5'), 'O1').graph.nodes.filter((n) => n.op === 'Conv')[1]!;
    expect(blockOf(conv2.inputs[0]!)).not.toBe(blockOf(m.plan.placements.find((p) => p.first === 1)!.id));
  });

  test('lenet5 with the packed layout (one range, no blocks) equals the reference too', async () => {
    const { m, err } = await check(zooModel('lenet5'), [1, 1, 28, 28], 'packed');
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.plan.layout).toBe('packed');
    expect(findOverlaps(m.plan.placements)).toEqual([]);
  });
});

describe('generated mode: deeper nets', () => {
  test('small-width vgg_small (conv+BN+ReLU(+MaxPool) fused, BN folded) equals the reference', async () => {
    const { m, err } = await check(zooModel('vgg_small', { input: [3, 16, 16], width: 0.25 }), [1, 3, 16, 16]);
    expect(err).toBeLessThanOrEqual(1e-4);
    // pools after the 16- and 8-column stages are fused; the 4-column stage keeps its MaxPool (poolPays)
    expect(m.layers.filter((l) => l.op === 'Conv+BatchNormalization+Relu').length).toBe(4);
    expect(m.layers.filter((l) => l.op === 'Conv+BatchNormalization+Relu+MaxPool').length).toBe(2);
    expect(m.layers.filter((l) => l.op === 'MaxPool').length).toBe(1);
    expect(m.layers.some((l) => l.op === 'BatchNormalization' || l.op === 'Relu')).toBe(false);
    expect(findOverlaps(m.plan.placements)).toEqual([]);
  });

  test('small-width resnet20 (residual Add fused into the conv epilogue) equals the reference', async () => {
    const { m, err } = await check(zooModel('resnet20', { input: [3, 8, 8], width: 0.25 }), [1, 3, 8, 8]);
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.layers.filter((l) => l.op === 'Conv+BatchNormalization+Add+Relu').length).toBe(9);
    const fused = m.layers.flatMap((l) => l.nodes);
    expect(new Set(fused).size).toBe(fused.length); // every node in exactly one layer
    expect(findOverlaps(m.plan.placements)).toEqual([]);
  });

  test('packed fallback: no activation shares a memory block with filters (fc1 reads x and w from distinct blocks); a tight budget packs the arena after them', async () => {
    const vgg = (): Graph => zooModel('vgg_small', { input: [3, 16, 16], width: 0.25 });
    const bw = T.memory.blockWords;
    // a 3-block budget: banked (kernel data in block 5) does not fit, the packed fallback does (like vgg_small w=1, whose conv6 filters overflow a block)
    const x = rand(3 * 16 * 16, 7);
    const m = lowerToDsp(optimize(vgg(), 'O1').graph, T, { chipWords: 3 * bw });
    const r = await runLibrary(m, T, { input: x });
    const want = reference(vgg(), { input: { dtype: 'float32', shape: [1, 3, 16, 16], data: x } });
    expect(relError(r.outputs.logits!, want.logits!.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(m.plan.layout).toBe('packed');
    const span = (a: number, n: number): number[] => Array.from({ length: Math.floor((a + n - 1) / bw) - Math.floor(a / bw) + 1 }, (_, k) => Math.floor(a / bw) + k);
    const filters = new Map([...m.asm.matchAll(/\.org (\d+)\n(g\d+)__w: \.space (\d+)/g)].map((x) => [x[2]!, span(Number(x[1]), Number(x[3]))]));
    const actBlocks = (id: string): number[] => { const p = m.plan.placements.find((x) => x.id === id)!; return span(m.plan.arenaBase + p.offset, p.size); };
    // all filters fit block 0 here: the old packing put the arena right after them, fc1's input beside fc1's filters
    const fc = m.layers.findIndex((l) => l.op.startsWith('Gemm'));
    expect(fc).toBe(m.layers.length - 1);
    const fcInput = optimize(vgg(), 'O1').graph.nodes.find((n) => n.op === 'Gemm')!.inputs[0]!;
    const fcX = m.plan.placements.find((p) => p.id === fcInput) ?? m.plan.placements.find((p) => p.last === fc && p.first < fc)!;
    expect(actBlocks(fcX.id).some((b) => filters.get(`g${fc}`)!.includes(b))).toBe(false);
    const filterBlocks = new Set([...filters.values()].flat());
    for (const p of m.plan.placements) expect(actBlocks(p.id).some((b) => filterBlocks.has(b))).toBe(false);
    // a budget without room for the gap: the arena follows the filters (same block) and the program still fits
    const tight = lowerToDsp(optimize(vgg(), 'O1').graph, T, { chipWords: m.memory.peakWords - 1 });
    expect(tight.plan.layout).toBe('packed');
    expect(tight.plan.arenaBase).toBeLessThan(m.plan.arenaBase);
    expect(tight.plan.arenaBase % bw).not.toBe(0);
    expect(tight.memory.peakWords).toBeLessThanOrEqual(m.memory.peakWords - 1);
  });

  test('a node without a kernel is a BwvmError naming the node and the op', () => {
    const g = zooModel('lenet5');
    g.nodes.find((n) => n.op === 'Relu')!.op = 'Sqrt'; // an ONNX op with no DSP kernel row
    expect(() => lowerToDsp(g, T)).toThrow(/node '.*': op Sqrt has no DSP kernel in generated mode/);
  });
});

describe('generated mode: folding', () => {
  test('a kernel whose private data is a bare label followed by directives is inlined (size counted)', () => {
    const asm = ['.data', '.org 0', 'x: .space 4', 'kc:', '.float 1.0, 2.0', '.float 3.0', '.org 99', 'y: .space 4', '.text', 'main:', '    w15 = kc', '    halt'].join('\n');
    expect(parseKernel(asm).data.find((d) => d.name === 'kc')!.words).toBe(3);
  });

  test('Conv without bias + a constant per-channel Add + Relu is one kernel and equals the reference', async () => {
    const w = rand(4 * 2 * 9, 3), c = rand(4, 4);
    const g = createGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2, 8, 8] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
      nodes: [
        { name: 'conv', op: 'Conv', inputs: ['x', 'w'], outputs: ['c0'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { name: 'bias', op: 'Add', inputs: ['c0', 'k'], outputs: ['c1'], attrs: {} },
        { name: 'act', op: 'Relu', inputs: ['c1'], outputs: ['y'], attrs: {} },
      ],
      initializers: new Map([['w', { name: 'w', dtype: 'float32' as const, shape: [4, 2, 3, 3], data: w }], ['k', { name: 'k', dtype: 'float32' as const, shape: [1, 4, 1, 1], data: c }]]),
    });
    inferShapes(g);
    const { m, err } = await check(g, [1, 2, 8, 8]);
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.layers.map((l) => l.op)).toEqual(['Conv+Add+Relu']);
  });
});
