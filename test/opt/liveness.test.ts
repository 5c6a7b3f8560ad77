// Activation lifetimes from zoo graphs, and the memory planner on them: the greedy arena is
// within 5 % of the lower bound, never overlaps live buffers, and beats the linear baseline.
import { describe, expect, it } from 'vitest';
import { zooModel, zooNames } from '../../src/bwdnn/zoo/index.js';
import { activationIntervals } from '../../src/opt/liveness.js';
import { optimize } from '../../src/opt/manager.js';
import { findOverlaps, greedyPlan, linearPlan, lowerBound } from '../../src/memory/index.js';
import { node, tiny } from './support.js';

describe('activationIntervals', () => {
  it('spans producer to last reader; outputs live to the end; sizes in bytes', () => {
    const g = tiny([2, 8], [
      node('Relu', 'a', ['x'], ['p']),
      node('Sigmoid', 'b', ['p'], ['q']),
      node('Add', 'c', ['p', 'q'], ['r']),
      node('Relu', 'd', ['r'], ['s']),
    ], {}, ['s', 'q']);
    const iv = Object.fromEntries(activationIntervals(g).map((i) => [i.id, i]));
    expect(iv.x).toMatchObject({ first: 0, last: 0, size: 64, uses: 1 });
    expect(iv.p).toMatchObject({ first: 0, last: 2, uses: 2 });
    expect(iv.q).toMatchObject({ first: 1, last: 3 });
    expect(iv.r).toMatchObject({ first: 2, last: 3 });
    expect(iv.s).toMatchObject({ first: 3, last: 3, size: 64 });
  });
});

describe('greedy plan on zoo activations', () => {
  for (const name of zooNames()) {
    for (const input of [[1, 28, 28], [3, 32, 32]] as [number, number, number][]) {
      it(`${name} ${input.join('x')}: arena <= 1.05 x lower bound, no overlaps, <= linear`, () => {
        const { graph } = optimize(zooModel(name, { input }), 'O2');
        const xs = activationIntervals(graph);
        const plan = greedyPlan(xs, { alignment: 16 });
        const lb = lowerBound(xs, 16);
        expect(findOverlaps(plan.placements)).toEqual([]);
        expect(plan.arenaBytes).toBeGreaterThanOrEqual(lb);
        expect(plan.arenaBytes).toBeLessThanOrEqual(1.05 * lb);
        expect(plan.arenaBytes).toBeLessThan(linearPlan(xs, { alignment: 16 }).arenaBytes);
      });
    }
  }
});
