// Shape inference: symbolic batch, Conv/pool geometry, Reshape 0/-1, folding of shape plumbing,
// and errors naming the node.
import { describe, expect, it } from 'vitest';
import { createGraph } from '../../src/ir/graph.js';
import { foldConstants, inferShapes } from '../../src/ir/infer.js';
import { windowGeometry } from '../../src/ir/ops/geometry.js';
import { isBwvmError } from '../../src/util/errors.js';
import { ints, smallCnn, weight } from './build.js';

describe('shape inference', () => {
  it('propagates a symbolic batch through a CNN', () => {
    const g = inferShapes(smallCnn());
    expect(g.valueInfo.get('c')!.shape).toEqual(['N', 4, 8, 8]);
    expect(g.valueInfo.get('p')!.shape).toEqual(['N', 4, 4, 4]);
    expect(g.valueInfo.get('f')!.shape).toEqual(['N', 64]);
    expect(g.outputs[0]!.shape).toEqual(['N', 10]);
  });

  it('SAME_UPPER / SAME_LOWER / ceil_mode geometry', () => {
    const up = windowGeometry([7], [4], { auto_pad: 'SAME_UPPER', strides: [2] }, 't');
    expect(up.out).toEqual([4]);
    expect(up.pads).toEqual([1, 2]);
    const lo = windowGeometry([7], [4], { auto_pad: 'SAME_LOWER', strides: [2] }, 't');
    expect(lo.pads).toEqual([2, 1]);
    expect(windowGeometry([5], [2], { strides: [2] }, 't', true).out).toEqual([3]);
    expect(windowGeometry([5], [2], { strides: [2] }, 't', false).out).toEqual([2]);
  });

  it('Reshape with 0 and -1 keeps the symbolic batch', () => {
    const g = createGraph({ opset: 13 });
    g.inputs.push({ name: 'x', dtype: 'float32', shape: ['N', 4, 3, 2] });
    g.initializers.set('s', ints('s', [0, -1]));
    g.nodes.push({ name: 'r', op: 'Reshape', inputs: ['x', 's'], outputs: ['y'], attrs: {} });
    g.outputs.push({ name: 'y', dtype: 'float32', shape: [] });
    expect(inferShapes(g).outputs[0]!.shape).toEqual(['N', 24]);
  });

  it('folds Shape -> Gather -> Unsqueeze -> Concat -> Reshape (PyTorch view) into one Reshape', () => {
    const g = createGraph({ opset: 13 });
    g.inputs.push({ name: 'x', dtype: 'float32', shape: [2, 4, 3] });
    g.initializers.set('zero', { name: 'zero', dtype: 'int64', shape: [], data: BigInt64Array.from([0n]) });
    g.initializers.set('ax', ints('ax', [0]));
    g.initializers.set('m1', ints('m1', [-1]));
    g.nodes.push(
      { name: 'shape', op: 'Shape', inputs: ['x'], outputs: ['s'], attrs: {} },
      { name: 'gather', op: 'Gather', inputs: ['s', 'zero'], outputs: ['b'], attrs: { axis: 0 } },
      { name: 'unsq', op: 'Unsqueeze', inputs: ['b', 'ax'], outputs: ['b1'], attrs: {} },
      { name: 'cat', op: 'Concat', inputs: ['b1', 'm1'], outputs: ['shp'], attrs: { axis: 0 } },
      { name: 'reshape', op: 'Reshape', inputs: ['x', 'shp'], outputs: ['y'], attrs: {} },
    );
    g.outputs.push({ name: 'y', dtype: 'float32', shape: [] });
    expect(foldConstants(g)).toBe(4);
    expect(g.nodes.map((n) => n.op)).toEqual(['Reshape']);
    expect(Array.from(g.initializers.get('shp')!.data, Number)).toEqual([2, -1]);
    expect(g.outputs[0]!.shape).toEqual([2, 12]);
  });

  it('a channel mismatch names the node', () => {
    const g = smallCnn();
    g.initializers.set('cw', weight('cw', [4, 2, 3, 3]));
    try { inferShapes(g); expect.fail('no error'); } catch (e) {
      expect(isBwvmError(e, 'IR_SHAPE')).toBe(true);
      expect((e as Error).message).toContain("node 'conv' (Conv)");
      expect((e as Error).message).toContain('3 channels');
    }
  });

  it('unknown ops are refused with the list of supported ones', () => {
    const g = smallCnn();
    g.nodes[1]!.op = 'Frobnicate';
    expect(() => inferShapes(g)).toThrow(/op 'Frobnicate' \(node 'relu'\) is not supported/);
  });
});
