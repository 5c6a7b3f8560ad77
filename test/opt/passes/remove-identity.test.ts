// remove-identity: Identity/Dropout removal, output names kept, graph-input-to-output case left alone.
import { describe, expect, it } from 'vitest';
import { removeIdentityPass } from '../../../src/opt/passes/remove-identity.js';
import { cloneGraph } from '../../../src/ir/graph.js';
import { assertValid } from '../../../src/ir/verify.js';
import { maxRelDiff, node, ops, tiny } from '../support.js';

const ctx = () => ({ notes: [] as string[] });

describe('remove-identity', () => {
  it('removes Identity and Dropout in the middle and at a graph output (output name kept)', () => {
    const g = tiny([1, 4], [
      node('Relu', 'r', ['x'], ['a']),
      node('Identity', 'i', ['a'], ['b']),
      node('Dropout', 'd', ['b'], ['c']),
      node('Sigmoid', 's', ['c'], ['e']),
      node('Identity', 'i2', ['e'], ['out']),
    ], {}, ['out']);
    const before = cloneGraph(g);
    expect(removeIdentityPass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Relu', 'Sigmoid']);
    expect(g.nodes[1]!.inputs).toEqual(['a']);
    expect(g.nodes[1]!.outputs).toEqual(['out']);
    assertValid(g);
    expect(maxRelDiff(before, g)).toBe(0);
  });

  it('keeps an Identity from a graph input straight to a graph output', () => {
    const g = tiny([1, 4], [node('Identity', 'i', ['x'], ['y'])], {}, ['y']);
    expect(removeIdentityPass.run(g, ctx())).toBe(false);
  });
});
