// Shipped zoo checkpoints (src/bwdnn/zoo/pretrained.ts): where they are found, what their JSON
// record holds (accuracy >= the aim, recipe, normalization, commit), their size, and
// that names outside the zoo (or path-like ones) find nothing.
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pretrainedNames, shippedCheckpoint, zooCheckpointDir, ZOO_RECIPES } from '../../../src/bwdnn/zoo/pretrained.js';
import { zooNames } from '../../../src/bwdnn/zoo/index.js';
import { loadNative } from '../../../src/frontend/native/index.js';

describe('shipped zoo checkpoints', () => {
  it('lenet5 is shipped with a complete record that meets its aim', () => {
    expect(pretrainedNames(zooNames())).toContain('lenet5');
    const ck = shippedCheckpoint('lenet5')!;
    expect(ck.path).toBe(join(zooCheckpointDir()!, 'lenet5.bwvm'));
    const r = ck.record;
    expect(r.model).toBe('lenet5');
    expect(r.testImages).toBe(10000);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.recipe).toMatchObject({ ...ZOO_RECIPES.lenet5, epochs: r.recipe.epochs });
    expect(r.normalization.mean).toHaveLength(1);
    expect(r.gitCommit).toMatch(/^[0-9a-f]{7,}$/);
  });

  it('every shipped checkpoint loads, is small and has a recipe', () => {
    for (const name of pretrainedNames(zooNames())) {
      const ck = shippedCheckpoint(name)!;
      expect(ZOO_RECIPES[name], name).toBeDefined();
      const g = loadNative(ck.path);
      expect(g.initializers.size).toBeGreaterThan(0);
      const bin = join(dirname(ck.path), String(ck.record.weightsFile));
      expect(statSync(bin).size).toBeLessThan(5 * 1024 * 1024);
    }
  });

  it('finds nothing for unknown or path-like names', () => {
    expect(shippedCheckpoint('no_such_net')).toBeUndefined();
    expect(shippedCheckpoint('../zoo/lenet5')).toBeUndefined();
    expect(shippedCheckpoint('lenet5', '/nonexistent')).toBeUndefined();
  });
});
