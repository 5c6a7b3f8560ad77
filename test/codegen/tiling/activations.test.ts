// Generated mode with activations in DDR (output-row bands), on the real simulator: a small net with
// the band edge cases (H not divisible by the band, stride 2, pad 0/1/2, a 1x1 conv, a fused 2x2 pool)
// forced to DDR activations, and a vgg-style net squeezed by an on-chip cap so the planner moves its
// largest activations to DDR by itself. Outputs equal the reference executor (the zoo test's 1e-4),
// the simulator's DMA DDR words equal the plan's traffic model, the program fits the cap, the band
// DMAs overlap compute; a net that fits keeps the on-chip program.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { NetBuilder, zooModel } from '../../../src/bwdnn/zoo/index.js';
import { type DspOptions, lowerToDsp } from '../../../src/codegen/dsp/index.js';
import { planText } from '../../../src/codegen/tiling/index.js';
import type { Graph } from '../../../src/ir/index.js';
import { findOverlaps } from '../../../src/memory/index.js';
import { optimize } from '../../../src/opt/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

/** 3x11x18 -> conv3 p1 -> conv3 s2 p1 -> conv1x1 -> conv5 p2 -> conv3 p0 + relu + maxpool (fused) -> dense. */
function edgeNet(): Graph {
  const b = new NetBuilder('edges', [3, 11, 18], 5);
  let x = b.relu(b.conv(b.input, 8, { k: 3, pad: 1 }));
  x = b.conv(x, 8, { k: 3, stride: 2, pad: 1 });
  x = b.relu(b.conv(x, 8, { k: 1, pad: 0 }));
  x = b.conv(x, 8, { k: 5, pad: 2 });
  x = b.maxpool(b.relu(b.conv(x, 8, { k: 3, pad: 0 })));
  return b.build(b.dense(b.flatten(x), 10));
}

async function check(g: Graph, o: DspOptions) {
  const shape = [1, ...(g.inputs[0]!.shape.slice(1) as number[])];
  const x = rand(shape.reduce((a, b) => a * b, 1), 3);
  const m = lowerToDsp(optimize(g, 'O1').graph, T, o);
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  expect(findOverlaps(m.plan.placements)).toEqual([]);
  // the traffic model is what the DMA engine moved
  expect(r.profile.memory.ddr.read).toBe(m.tiling.ddrIn);
  expect(r.profile.memory.ddr.written).toBe(m.tiling.ddrOut);
  return { m, r, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

describe('activations in DDR: output-row bands', () => {
  for (const bandRows of [2, 3]) {
    test(`edge cases with every conv activation in DDR, bands of ${bandRows} rows: equals the reference`, async () => {
      const { m, err } = await check(edgeNet(), { activations: 'ddr', bandRows });
      expect(err).toBeLessThanOrEqual(1e-4);
      const banded = m.tiling.layers.filter((l) => l.bands !== undefined);
      expect(banded.map((l) => l.activations)).toEqual(['chip -> DDR', 'DDR -> DDR', 'DDR -> DDR', 'DDR -> DDR', 'DDR -> chip']);
      // the fused-pool layer's bands are even (3 -> 4); 11 rows in bands of 3 leave a last band of 2
      expect(banded.map((l) => l.rows)).toEqual([bandRows, bandRows, bandRows, bandRows, bandRows + (bandRows % 2)]);
      expect(banded[0]!.bands).toBe(Math.ceil(11 / bandRows));
      expect(m.layers.find((l) => l.node === banded[4]!.layer)!.op).toMatch(/MaxPool$/);
      expect(planText(m.tiling)).toMatch(/DDR -> DDR/);
      expect(m.tiling.ddrIn).toBeGreaterThan(0);
    }, 300_000);
  }

  test('vgg-style net under an on-chip cap: the planner moves the largest activations to DDR, overlaps band DMA with compute', async () => {
    const g = zooModel('vgg_small', { input: [3, 32, 32], width: 0.125 });
    const full = lowerToDsp(optimize(g, 'O1').graph, T, { layout: 'packed', padded: 'shared' }); // (hand-off buffers sharing regions: the least memory)
    const cap = Math.floor(full.memory.peakWords * 0.6); // below activations + kernel data: filters in DDR alone cannot fit it
    expect(() => lowerToDsp(optimize(g, 'O1').graph, T, { chipWords: cap, activations: 'chip' })).toThrow(/activations and kernel data alone need \d+ on-chip words/);
    const { m, r, err } = await check(g, { chipWords: cap });
    expect(err).toBeLessThanOrEqual(1e-4);
    expect(m.memory.peakWords).toBeLessThanOrEqual(cap);
    const banded = m.tiling.layers.filter((l) => l.bands !== undefined);
    expect(banded.length).toBeGreaterThan(0);
    expect(banded.some((l) => l.activations!.includes('DDR'))).toBe(true);
    // band input DMAs are started one band ahead: waiting on them stalls far less than the transfers take
    const transfer = ((m.tiling.ddrIn + m.tiling.ddrOut) * 4) / T.dma.bytesPerCycle;
    const dmaStalls = r.layers.reduce((a, l) => a + (l.stallsBy.dma ?? 0), 0);
    expect(dmaStalls).toBeLessThan(transfer);
  }, 300_000);

  test('a net that fits keeps its activations on-chip: the same program as with --activations chip', () => {
    const g = optimize(zooModel('lenet5', { input: [1, 16, 16] }), 'O1').graph;
    const a = lowerToDsp(g, T), b = lowerToDsp(g, T, { activations: 'chip' });
    expect(a.asm).toBe(b.asm);
    expect(a.tiling.layers.every((l) => l.bands === undefined)).toBe(true);
    expect(a.asm).not.toMatch(/\bdma[23]\b/);
  }, 300_000);
});
