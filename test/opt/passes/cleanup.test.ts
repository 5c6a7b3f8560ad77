// remove-identity, dce, cse, fold-constants and infer-shapes on small before/expected graphs.
import { describe, expect, it } from 'vitest';
import { removeIdentityPass } from '../../../src/opt/passes/remove-identity.js';
import { dcePass } from '../../../src/opt/passes/dce.js';
import { csePass } from '../../../src/opt/passes/cse.js';
import { foldConstantsPass } from '../../../src/opt/passes/fold-constants.js';
import { inferShapesPass } from '../../../src/opt/passes/infer-shapes.js';
import { cloneGraph } from '../../../src/ir/graph.js';
import { assertValid } from '../../../src/ir/verify.js';
import { maxRelDiff, node, ops, tensor, tiny } from '../support.js';

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

describe('dce', () => {
  it('removes unread nodes and initializers', () => {
    const g = tiny([1, 4], [node('Relu', 'r', ['x'], ['a']), node('Add', 'dead', ['x', 'k'], ['z'])], { k: tensor([4], () => 1) }, ['a']);
    expect(dcePass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Relu']);
    expect(g.initializers.has('k')).toBe(false);
    expect(dcePass.run(g, ctx())).toBe(false);
  });
});

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

describe('fold-constants and infer-shapes', () => {
  it('folds Shape of a static tensor into an initializer', () => {
    const g = tiny([2, 3, 4], [node('Shape', 'sh', ['x'], ['s']), node('Reshape', 'rs', ['x', 's'], ['o'])], {}, ['o']);
    expect(foldConstantsPass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Reshape']);
    expect(Array.from(g.initializers.get('s')!.data as BigInt64Array, Number)).toEqual([2, 3, 4]);
  });

  it('infer-shapes fills valueInfo and reports no change the second time', () => {
    const g = tiny([1, 4], [node('Relu', 'r', ['x'], ['a']), node('Relu', 'r2', ['a'], ['b'])], {}, ['b']);
    g.valueInfo.clear();
    expect(inferShapesPass.run(g, ctx())).toBe(true);
    expect(g.valueInfo.get('a')!.shape).toEqual([1, 4]);
    expect(inferShapesPass.run(g, ctx())).toBe(false);
  });
});
