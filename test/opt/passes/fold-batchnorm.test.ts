// fold-batchnorm: Conv/Gemm + BN become one Conv/Gemm with rescaled weights, equal outputs;
// not folded when the conv output has another reader; graph output names preserved.
import { describe, expect, it } from 'vitest';
import { foldBatchNormPass } from '../../../src/opt/passes/fold-batchnorm.js';
import { cloneGraph } from '../../../src/ir/graph.js';
import { assertValid } from '../../../src/ir/verify.js';
import { maxRelDiff, node, ops, rand, tensor, tiny } from '../support.js';

const r = rand(5);
const bnInits = (c: number) => ({ g: tensor([c], () => 0.5 + r()), b: tensor([c], () => r() - 0.5), m: tensor([c], () => r() - 0.5), v: tensor([c], () => 0.5 + r()) });
const ctx = () => ({ notes: [] as string[] });

describe('fold-batchnorm', () => {
  it('folds BN into a Conv without bias (output name kept, values equal)', () => {
    const g = tiny([1, 2, 5, 5], [
      node('Conv', 'c', ['x', 'w'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('BatchNormalization', 'bn', ['y', 'g', 'b', 'm', 'v'], ['z'], { epsilon: 1e-3 }),
    ], { w: tensor([3, 2, 3, 3], () => r() - 0.5), ...bnInits(3) }, ['z']);
    const before = cloneGraph(g);
    expect(foldBatchNormPass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Conv']);
    expect(g.nodes[0]!.outputs).toEqual(['z']);
    expect(g.nodes[0]!.inputs).toHaveLength(3);
    assertValid(g);
    expect(maxRelDiff(before, g)).toBeLessThan(1e-5);
  });

  it('folds BN into a Gemm (transB=1, with bias and beta != 1)', () => {
    const g = tiny([2, 4], [
      node('Gemm', 'fc', ['x', 'w', 'c'], ['y'], { transB: 1, beta: 0.5 }),
      node('BatchNormalization', 'bn', ['y', 'g', 'b', 'm', 'v'], ['z']),
    ], { w: tensor([3, 4], () => r() - 0.5), c: tensor([3], () => r()), ...bnInits(3) }, ['z']);
    const before = cloneGraph(g);
    expect(foldBatchNormPass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Gemm']);
    expect(maxRelDiff(before, g)).toBeLessThan(1e-5);
  });

  it('leaves BN alone when the conv output has another reader', () => {
    const g = tiny([1, 2, 4, 4], [
      node('Conv', 'c', ['x', 'w'], ['y'], { kernel_shape: [1, 1] }),
      node('BatchNormalization', 'bn', ['y', 'g', 'b', 'm', 'v'], ['z']),
      node('Add', 'add', ['y', 'z'], ['s']),
    ], { w: tensor([3, 2, 1, 1], () => r()), ...bnInits(3) }, ['s']);
    expect(foldBatchNormPass.run(g, ctx())).toBe(false);
    expect(ops(g)).toEqual(['Conv', 'BatchNormalization', 'Add']);
  });
});
