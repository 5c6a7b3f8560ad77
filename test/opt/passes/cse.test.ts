// cse: duplicate nodes and identical constants merged; different attributes kept apart.
import { describe, expect, it } from 'vitest';
import { csePass } from '../../../src/opt/passes/cse.js';
import { dcePass } from '../../../src/opt/passes/dce.js';
import { cloneGraph } from '../../../src/ir/graph.js';
import { maxRelDiff, node, ops, tensor, tiny } from '../support.js';

const ctx = () => ({ notes: [] as string[] });

describe('cse', () => {
  it('merges duplicate nodes and identical constants, then dce drops the copies', () => {
    const g = tiny([1, 4], [
      node('Add', 'a1', ['x', 'k1'], ['p']),
      node('Add', 'a2', ['x', 'k2'], ['q']),
      node('Relu', 'r1', ['p'], ['u']),
      node('Relu', 'r2', ['q'], ['v']),
      node('Mul', 'm', ['u', 'v'], ['out']),
    ], { k1: tensor([4], (i) => i), k2: tensor([4], (i) => i) }, ['out']);
    const before = cloneGraph(g);
    expect(csePass.run(g, ctx())).toBe(true);
    dcePass.run(g, ctx());
    expect(ops(g)).toEqual(['Add', 'Relu', 'Mul']);
    expect(g.nodes[2]!.inputs).toEqual(['u', 'u']);
    expect(maxRelDiff(before, g)).toBe(0);
  });

  it('does not merge nodes with different attributes', () => {
    const g = tiny([1, 4], [node('LeakyRelu', 'a', ['x'], ['p'], { alpha: 0.1 }), node('LeakyRelu', 'b', ['x'], ['q'], { alpha: 0.2 }), node('Add', 's', ['p', 'q'], ['o'])], {}, ['o']);
    expect(csePass.run(g, ctx())).toBe(false);
  });
});
