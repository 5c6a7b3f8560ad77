// fuse-activation: Conv/Gemm + activation (+ pool) groups recorded in graph.meta; nodes kept.
import { describe, expect, it } from 'vitest';
import { fuseActivationPass } from '../../../src/opt/passes/fuse-activation.js';
import { readFusion } from '../../../src/opt/fusion.js';
import { node, rand, tensor, tiny } from '../support.js';

const r = rand(2);
const inits = { w: tensor([4, 2, 3, 3], () => r() - 0.5), lo: tensor([], () => 0), hi: tensor([], () => 6) };

describe('fuse-activation', () => {
  it('groups Conv + Clip (Relu6) + MaxPool, and Conv + LeakyRelu', () => {
    const g = tiny([1, 2, 8, 8], [
      node('Conv', 'c1', ['x', 'w'], ['a'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Clip', 'r6', ['a', 'lo', 'hi'], ['b']),
      node('MaxPool', 'p', ['b'], ['c'], { kernel_shape: [2, 2], strides: [2, 2] }),
      node('Conv', 'c2', ['x', 'w'], ['d'], { kernel_shape: [3, 3] }),
      node('LeakyRelu', 'lr', ['d'], ['e'], { alpha: 0.1 }),
    ], inits, ['c', 'e']);
    const n = g.nodes.length;
    expect(fuseActivationPass.run(g, { notes: [] })).toBe(true);
    expect(g.nodes).toHaveLength(n);
    expect(readFusion(g)).toEqual([
      { anchor: 'c1', nodes: ['c1', 'r6', 'p'], activation: 'Clip', pool: 'MaxPool' },
      { anchor: 'c2', nodes: ['c2', 'lr'], activation: 'LeakyRelu' },
    ]);
    expect(fuseActivationPass.run(g, { notes: [] })).toBe(false); // idempotent
  });

  it('groups MatMul + constant bias Add + Tanh (rank-3 activations)', () => {
    const g = tiny([2, 3, 4], [
      node('MatMul', 'mm', ['x', 'wm'], ['a']),
      node('Add', 'ba', ['bv', 'a'], ['b']),
      node('Tanh', 't', ['b'], ['c']),
    ], { wm: tensor([4, 5], () => r()), bv: tensor([5], () => r()) }, ['c']);
    expect(fuseActivationPass.run(g, { notes: [] })).toBe(true);
    expect(readFusion(g)).toEqual([{ anchor: 'mm', nodes: ['mm', 'ba', 't'], bias: 'ba', activation: 'Tanh' }]);
  });

  it('does not fuse when the conv output is also read elsewhere or is a graph output', () => {
    const g = tiny([1, 2, 8, 8], [
      node('Conv', 'c1', ['x', 'w'], ['a'], { kernel_shape: [3, 3] }),
      node('Relu', 'r', ['a'], ['b']),
    ], inits, ['a', 'b']);
    expect(fuseActivationPass.run(g, { notes: [] })).toBe(false);
    expect(readFusion(g)).toEqual([]);
  });
});
