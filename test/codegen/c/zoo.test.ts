// Generated C for every zoo model (O2 fused with C-array weights; O0 with BN
// layers and a weights blob), compiled with gcc -std=c99 -Wall
// -Wextra -Werror -pedantic, matches the reference executor (max rel err <= 1e-4); the arena is
// never below the planner's lower bound and is far smaller than the sum of all activations.
import { expect, it } from 'vitest';
import { zooModel, zooNames } from '../../../src/bwdnn/zoo/index.js';
import { describeWith } from '../../support/prereqs.js';
import { checkC } from './support.js';
import { randomizeNorms } from '../../opt/support.js';

describeWith(['gcc'], 'C backend: zoo models vs reference', () => {
  // O2 (fused, C-array weights) on every model; O0 (BN and bias unfused, blob weights) on two
  const cases = [...zooNames().map((n) => [n, 'O2'] as const), ['vgg_small', 'O0'] as const, ['resnet20', 'O0'] as const];
  for (const [name, level] of cases) {
    {
      it(`${name} ${level}`, () => {
        const g = randomizeNorms(zooModel(name, { input: [3, 16, 16], width: 0.25 }));
        const r = checkC(g, level, { weights: level === 'O0' ? 'blob' : 'c' });
        console.log(`${name} ${level}: maxAbs ${r.maxAbs.toExponential(2)} maxRel ${r.maxRel.toExponential(2)} arena ${r.model.arenaBytes} B (lower bound ${r.model.lowerBoundBytes} B) weights ${r.model.weightsBytes} B`);
        expect(r.maxRel).toBeLessThanOrEqual(1e-4);
        expect(r.model.arenaBytes).toBeGreaterThanOrEqual(r.model.lowerBoundBytes);
        const sumAll = r.model.layers.reduce((a, l) => a + (l.offset === null ? 0 : l.outBytes), 0);
        expect(r.model.arenaBytes).toBeLessThan(sumAll);
        if (level === 'O2') expect(r.model.layers.some((l) => l.fused.length > 0)).toBe(true);
        else expect(r.model.layers.some((l) => l.op === 'BatchNormalization')).toBe(true);
      });
    }
  }
});
