// Generated mode's fusion of a 2x2 stride-2 pool into the conv epilogue: which MaxPool /
// AveragePool nodes join a conv group (fuseLayers), a conv+relu+avgpool graph at odd sizes equals
// the reference on the simulator, and the fused layer never stores the pre-pool tensor (no arena
// buffer for it, fewer words written than the conv output has).
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { fuseLayers, lowerToDsp } from '../../../src/codegen/dsp/index.js';
import { poolPays } from '../../../src/codegen/dsp/fuse.js';
import { type Attrs, createGraph, type Graph, inferShapes } from '../../../src/ir/index.js';
import { optimize } from '../../../src/opt/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

/** x [1,C,H,W] -> Conv 3x3 pad 1 (M) -> Relu -> pool op; `tap`: the Relu output is also a graph output. */
function convPool(C: number, H: number, W: number, M: number, op: string, attrs: Attrs, tap = false): Graph {
  const g = createGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, C, H, W] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [] }, ...(tap ? [{ name: 'r', dtype: 'float32' as const, shape: [] }] : [])],
    nodes: [
      { name: 'conv', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { name: 'act', op: 'Relu', inputs: ['c'], outputs: ['r'], attrs: {} },
      { name: 'pool', op, inputs: ['r'], outputs: ['y'], attrs },
    ],
    initializers: new Map([
      ['w', { name: 'w', dtype: 'float32' as const, shape: [M, C, 3, 3], data: rand(M * C * 9, 5) }],
      ['b', { name: 'b', dtype: 'float32' as const, shape: [M], data: rand(M, 6) }],
    ]),
  });
  inferShapes(g);
  return g;
}

const constOf = (g: Graph) => (v: string): Float32Array | undefined => g.initializers.get(v)?.data as Float32Array | undefined;
const P2 = { kernel_shape: [2, 2], strides: [2, 2] };

describe('pool fusion rule', () => {
  test('MaxPool / AveragePool 2x2 stride 2 join the conv group (8 columns: no padding)', () => {
    for (const [op, kind] of [['MaxPool', 'max'], ['AveragePool', 'avg']] as const) {
      const g = convPool(2, 8, 8, 4, op, P2);
      const groups = fuseLayers(g, constOf(g));
      expect(groups.map((x) => x.nodes.map((n) => n.op))).toEqual([['Conv', 'Relu', op]]);
      expect(groups[0]!.pool).toBe(kind);
      expect(groups[0]!.output).toBe('y');
    }
  });
  test('other windows, padding, ceil mode or a shared pre-pool tensor stay separate', () => {
    const cases: Array<[Attrs, boolean]> = [
      [{ kernel_shape: [3, 3], strides: [2, 2] }, false], [{ kernel_shape: [2, 2] }, false], [{ ...P2, pads: [1, 1, 1, 1] }, false],
      [{ ...P2, ceil_mode: 1 }, false], [P2, true],
    ];
    for (const [attrs, tap] of cases) {
      const g = convPool(2, 8, 8, 4, 'MaxPool', attrs, tap);
      const groups = fuseLayers(g, constOf(g));
      expect(groups.map((x) => x.nodes.map((n) => n.op))).toEqual([['Conv', 'Relu'], ['MaxPool']]);
      expect(groups[0]!.pool).toBeUndefined();
    }
  });
});

describe('when a fused pool pays', () => {
  test('narrow outputs that 8-column groups would pad by more than 1/7 keep a separate pool', () => {
    for (const [W, fused] of [[8, true], [16, true], [28, true], [32, true], [10, false], [4, false], [12, false], [6, true]] as const) {
      const g = convPool(2, W, W, 4, 'MaxPool', P2);
      expect(poolPays(g, 'c')).toBe(fused);
      expect(fuseLayers(g, constOf(g))[0]!.pool).toBe(fused ? 'max' : undefined);
    }
  });
});

describe('fused pool on the simulator', () => {
  test('conv + relu + AveragePool at odd sizes (9x7: floor mode) equals the reference', async () => {
    const g = convPool(3, 9, 7, 5, 'AveragePool', P2);
    const x = rand(3 * 9 * 7, 8);
    const m = lowerToDsp(g, T);
    expect(m.layers.map((l) => l.op)).toEqual(['Conv+Relu+AveragePool']);
    const r = await runLibrary(m, T, { x });
    const want = reference(g, { x: { dtype: 'float32', shape: [1, 3, 9, 7], data: x } }).y!.data as Float32Array;
    expect(r.outputs.y!.length).toBe(5 * 4 * 3);
    expect(relError(r.outputs.y!, want)).toBeLessThanOrEqual(1e-5);
  });

  test('lenet5: the fused pre-pool tensor gets no buffer and is never stored', async () => {
    const g = optimize(zooModel('lenet5'), 'O1').graph;
    const m = lowerToDsp(g, T);
    const pools = g.nodes.filter((n) => n.op === 'MaxPool');
    expect(pools).toHaveLength(2);
    const placed = new Set(m.plan.placements.map((p) => p.id));
    expect(placed.has(pools[0]!.inputs[0]!)).toBe(false); // conv1's Relu output (28 columns: fused)
    expect(placed.has(pools[1]!.inputs[0]!)).toBe(true); // conv2's (10 columns -> 16 would waste: separate pool)
    const x = rand(28 * 28, 9);
    const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
    const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape: [1, 1, 28, 28], data: x } })[g.outputs[0]!.name]!.data as Float32Array;
    expect(relError(r.outputs[g.outputs[0]!.name]!, want)).toBeLessThanOrEqual(1e-4);
    // conv1 (6 x 28 x 28 outputs) writes its padded input copy and the 6 x 14 x 14 pooled planes only
    const conv1 = r.profile.regions.find((x) => x.name === m.layers[0]!.node)!;
    expect(conv1.words.written).toBeLessThan(6 * 28 * 28);
    expect(conv1.words.written).toBeGreaterThanOrEqual(6 * 14 * 14);
  });
});
