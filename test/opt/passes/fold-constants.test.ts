// fold-constants: Shape of a static tensor folds into an initializer.
import { describe, expect, it } from 'vitest';
import { foldConstantsPass } from '../../../src/opt/passes/fold-constants.js';
import { node, ops, tensor, tiny } from '../support.js';

const ctx = () => ({ notes: [] as string[] });

describe('fold-constants', () => {
  it('folds Shape of a static tensor into an initializer', () => {
    const g = tiny([2, 3, 4], [node('Shape', 'sh', ['x'], ['s']), node('Reshape', 'rs', ['x', 's'], ['o'])], {}, ['o']);
    expect(foldConstantsPass.run(g, ctx())).toBe(true);
    expect(ops(g)).toEqual(['Reshape']);
    expect(Array.from(g.initializers.get('s')!.data as BigInt64Array, Number)).toEqual([2, 3, 4]);
  });
});
