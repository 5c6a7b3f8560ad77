// Generated mode with filters in DDR: lenet5 with every filter streamed (--weights ddr), resnet20
// with residual convs split into channel tiles, and a
// small vgg_small squeezed into an on-chip budget smaller than its weights (the planner keeps some
// layers resident and tiles the rest into ping/pong staging buffers) run on the real simulator:
// outputs equal the reference executor, the simulator's DMA DDR words equal the traffic model, the
// generated program stays within the budget, DMA stalls stay far below the transfer time (the copies
// overlap compute), and model.s (with its .ddr section) re-assembles.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { dspAsmSource, type DspOptions, lowerToDsp } from '../../../src/codegen/dsp/index.js';
import { assemble } from '../../../src/isa/index.js';
import { Simulator } from '../../../src/sim/index.js';
import { planWords } from '../../../src/codegen/tiling/index.js';
import type { Graph } from '../../../src/ir/index.js';
import { findOverlaps } from '../../../src/memory/index.js';
import { optimize } from '../../../src/opt/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

async function check(g: Graph, shape: number[], o: DspOptions) {
  const x = rand(shape.reduce((a, b) => a * b, 1), 7);
  const m = lowerToDsp(optimize(g, 'O1').graph, T, o);
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  return { m, r, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

describe('generated mode, filters in DDR', () => {
  test('lenet5 with --weights ddr: every filter streamed, output equals the reference, DDR words = model', async () => {
    const { m, r, err } = await check(zooModel('lenet5'), [1, 1, 28, 28], { weights: 'ddr' });
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.tiling.layers.length).toBe(5);
    expect(m.tiling.layers.every((l) => l.placement === 'ddr')).toBe(true);
    expect(m.memory.weights).toBe('ddr');
    expect(m.plan.layout).toBe('banked'); // staging buffers in the filter blocks
    expect(r.profile.memory.ddr.read).toBe(m.tiling.ddrIn);
    expect(r.profile.memory.ddr.written).toBe(m.tiling.ddrOut);
    expect(m.program.data.filter((d) => d.space === 'ddr').reduce((a, d) => a + d.words.length, 0)).toBe(m.tiling.ddrIn);
    // model.s carries the DDR filters in a .ddr section and the plan in its header: it re-assembles to the same output
    const src = dspAsmSource(m);
    expect(src).toMatch(/^\/\/ tiling plan: /m);
    const sim = new Simulator(assemble(src, { limits: T, file: 'model.s' }), T);
    sim.setInput(m.inputs[0]!.symbol, rand(28 * 28, 7));
    await sim.run();
    expect(Array.from(sim.readOutput(m.outputs[0]!.symbol, m.outputs[0]!.words))).toEqual(Array.from(r.outputs[m.outputs[0]!.name]!));
  });

  test('vgg_small w=0.25 16x16 in a budget below its weights: some layers tiled from DDR, equals the reference', async () => {
    const g = zooModel('vgg_small', { input: [3, 16, 16], width: 0.25 });
    const full = lowerToDsp(optimize(g, 'O1').graph, T, { layout: 'packed' });
    const budget = full.memory.peakWords - Math.floor(full.memory.weightWords / 2);
    const { m, r, err } = await check(g, [1, 3, 16, 16], { chipWords: budget });
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.memory.peakWords).toBeLessThanOrEqual(budget);
    expect(m.tiling.layers.some((l) => l.placement === 'ddr')).toBe(true);
    expect(m.tiling.layers.some((l) => l.placement === 'chip')).toBe(true);
    expect(planWords(m.tiling)).toBeLessThanOrEqual(m.tiling.capacityWords);
    expect(r.profile.memory.ddr.read).toBe(m.tiling.ddrIn);
    expect(findOverlaps(m.plan.placements)).toEqual([]);
    // double buffering: each tile's copy overlaps compute, so DMA waits stall far less than the transfers take
    const transferCycles = (m.tiling.ddrIn * 4) / T.dma.bytesPerCycle;
    const dmaStalls = r.layers.reduce((a, l) => a + (l.stallsBy.dma ?? 0), 0);
    expect(dmaStalls).toBeLessThan(transferCycles / 4);
    expect(m.asm.match(/\bdma[01] in\b/g)!.length).toBe(m.tiling.tiles);
    expect(m.asm.match(/\bdma[01] wait\b/g)!.length).toBe(m.tiling.tiles);
  }, 300_000);

  test('resnet20 w=0.25 16x16 with --weights ddr and a small budget: residual addend tiled with its output, equals the reference', async () => {
    const { m, r, err } = await check(zooModel('resnet20', { input: [3, 16, 16], width: 0.25 }), [1, 3, 16, 16], { weights: 'ddr', chipWords: 20_000 });
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.memory.peakWords).toBeLessThanOrEqual(20_000);
    const split = m.tiling.layers.filter((l) => l.MG < l.M).map((l) => m.layers.find((x) => x.node === l.layer)!.op);
    expect(split.some((op) => op.includes('Add'))).toBe(true);
    // tiled layers still hand over padded (each tile stores its channel planes into the consumer's layout)
    const tiled = new Set(m.tiling.layers.filter((l) => l.MG < l.M).map((l) => l.layer));
    expect(m.plan.handoffs.some((h) => tiled.has(h.from) && tiled.has(h.to))).toBe(true);
    expect(r.profile.memory.ddr.read).toBe(m.tiling.ddrIn);
  }, 300_000);

  test('budgets that cannot work are named errors: filters forced on-chip, activations alone too large', () => {
    const g = optimize(zooModel('lenet5'), 'O1').graph;
    expect(() => lowerToDsp(g, T, { weights: 'chip', chipWords: 20_000 })).toThrow(/generated mode needs \d+ on-chip words .*; 20000 are available/);
    expect(() => lowerToDsp(g, T, { chipWords: 2000 })).toThrow(/activations and kernel data alone need \d+ on-chip words; 2000 are available/);
  });
});
