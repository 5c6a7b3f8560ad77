// fuse-bias: Conv followed by a per-channel constant Add folds into the conv bias.
import { describe, expect, it } from 'vitest';
import { fuseBiasPass } from '../../../src/opt/passes/fuse-bias.js';
import { cloneGraph } from '../../../src/ir/graph.js';
import { maxRelDiff, node, ops, rand, tensor, tiny } from '../support.js';

const r = rand(9);
const conv = (bias: boolean) => node('Conv', 'c', bias ? ['x', 'w', 'b0'] : ['x', 'w'], ['y'], { kernel_shape: [3, 3] });
const inits = { w: tensor([4, 2, 3, 3], () => r() - 0.5), b0: tensor([4], () => r()), k: tensor([1, 4, 1, 1], () => r()), sp: tensor([1, 1, 3, 3], () => r()) };

describe('fuse-bias', () => {
  it('folds a [1,C,1,1] constant Add (either operand order) into an existing or new bias', () => {
    for (const [bias, ins] of [[true, ['y', 'k']], [false, ['k', 'y']]] as const) {
      const g = tiny([1, 2, 5, 5], [conv(bias), node('Add', 'a', [...ins], ['z'])], inits, ['z']);
      const before = cloneGraph(g);
      expect(fuseBiasPass.run(g, { notes: [] })).toBe(true);
      expect(ops(g)).toEqual(['Conv']);
      expect(g.nodes[0]!.outputs).toEqual(['z']);
      expect(maxRelDiff(before, g)).toBeLessThan(1e-6);
    }
  });

  it('keeps an Add whose constant varies spatially', () => {
    const g = tiny([1, 2, 5, 5], [conv(true), node('Add', 'a', ['y', 'sp'], ['z'])], inits, ['z']);
    expect(fuseBiasPass.run(g, { notes: [] })).toBe(false);
    expect(ops(g)).toEqual(['Conv', 'Add']);
  });
});
