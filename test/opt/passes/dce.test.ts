// dce: unread nodes and initializers removed; idempotent.
import { describe, expect, it } from 'vitest';
import { dcePass } from '../../../src/opt/passes/dce.js';
import { node, ops, tensor, tiny } from '../support.js';

const ctx = () => ({ notes: [] as string[] });

describe('dce', () => {
  it('removes unread nodes and initializers', () => {
    const g = tiny([1, 4], [node('Relu', 'r', ['x'], ['a']), node('Add', 'dead', ['x', 'k'], ['z'])], { k: tensor([4], () => 1) }, ['a']);
    expect(dcePass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Relu']);
    expect(g.initializers.has('k')).toBe(false);
    expect(dcePass.run(g, ctx())).toBe(false);
  });
});
