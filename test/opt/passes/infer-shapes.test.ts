// infer-shapes: valueInfo filled; reports no change the second time.
import { describe, expect, it } from 'vitest';
import { inferShapesPass } from '../../../src/opt/passes/infer-shapes.js';
import { node, tiny } from '../support.js';

const ctx = () => ({ notes: [] as string[] });

describe('infer-shapes', () => {
  it('infer-shapes fills valueInfo and reports no change the second time', () => {
    const g = tiny([1, 4], [node('Relu', 'r', ['x'], ['a']), node('Relu', 'r2', ['a'], ['b'])], {}, ['b']);
    g.valueInfo.clear();
    expect(inferShapesPass.run(g, ctx())).toBe(true);
    expect(g.valueInfo.get('a')!.shape).toEqual([1, 4]);
    expect(inferShapesPass.run(g, ctx())).toBe(false);
  });
});
