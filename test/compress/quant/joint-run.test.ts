// The joint run's input checks (shared by %compress --strategy joint and bwvm compress): --bits
// parsing and budget flags resolved to limits before anything is measured, with clear errors.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { jointLimits, parseJointBits, resolveJointBudgets } from '../../../src/compress/quant/index.js';

describe('joint run inputs', () => {
  it('--bits: the default is all three precisions; bad widths are named', () => {
    expect(parseJointBits(undefined)).toEqual([32, 16, 8]);
    expect(parseJointBits(['16', '8'])).toEqual([16, 8]);
    expect(() => parseJointBits(['32', '4'])).toThrow(/--bits: '4' is not 8, 16 or 32/);
  });

  it('budget flags become the same limits as resolveJointBudgets; none or a bad amount is refused', () => {
    const g = zooModel('lenet5');
    expect(jointLimits(g, { flops: '0.5', params: '20k' })).toEqual(resolveJointBudgets(g, { flops: 0.5, params: 20000 }));
    expect(() => jointLimits(g, {})).toThrow(/no budget given/);
    expect(() => jointLimits(g, { cycles: 'half' })).toThrow(/--cycles: 'half' is not a number/);
  });
});
