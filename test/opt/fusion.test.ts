// Fusion metadata: read/write round trip, and pruneFusion drops groups that later rewrites broke
// (a member removed, rewired, or its predecessor's output gaining a second reader).
import { describe, expect, it } from 'vitest';
import { pruneFusion, readFusion, writeFusion, FUSION_KEY } from '../../src/opt/fusion.js';
import { node, tensor, tiny } from './support.js';

const build = () => {
  const g = tiny([1, 2, 6, 6], [
    node('Conv', 'c', ['x', 'w'], ['a'], { kernel_shape: [3, 3] }),
    node('Relu', 'r', ['a'], ['b']),
  ], { w: tensor([3, 2, 3, 3], () => 0.1) }, ['b']);
  writeFusion(g, [{ anchor: 'c', nodes: ['c', 'r'], activation: 'Relu' }]);
  return g;
};

describe('fusion metadata', () => {
  it('round-trips and keeps valid groups', () => {
    const g = build();
    pruneFusion(g);
    expect(readFusion(g)).toHaveLength(1);
    writeFusion(g, []);
    expect(g.meta[FUSION_KEY]).toBeUndefined();
  });

  it('drops a group whose member is gone, rewired, or whose link gained a reader', () => {
    const gone = build();
    gone.nodes.pop();
    gone.outputs[0]!.name = 'a';
    pruneFusion(gone);
    expect(readFusion(gone)).toEqual([]);

    const rewired = build();
    rewired.nodes[1]!.inputs = ['x'];
    pruneFusion(rewired);
    expect(readFusion(rewired)).toEqual([]);

    const shared = build();
    shared.nodes.push(node('Sigmoid', 's', ['a'], ['z']));
    shared.outputs.push({ name: 'z', dtype: 'float32', shape: [] });
    pruneFusion(shared);
    expect(readFusion(shared)).toEqual([]);
  });
});
