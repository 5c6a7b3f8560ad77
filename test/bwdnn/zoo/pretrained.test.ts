// Shipped zoo checkpoints (src/bwdnn/zoo/pretrained.ts): where they are found, what their JSON
// record holds (accuracy >= the aim, recipe, normalization, commit), their size, and
// that names outside the zoo (or path-like ones) find nothing.
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pretrainedNames, shippedCheckpoint, zooCheckpointDir, ZOO_RECIPES } from '../../../src/bwdnn/zoo/pretrained.js';
import { zooModel, zooNames } from '../../../src/bwdnn/zoo/index.js';
import { loadZooModel } from '../../../src/session/models.js';
import { evaluate } from '../../../src/bwdnn/train/index.js';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';
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

  // the aims on the full 10,000-image test split (plain20 has none; it meets 0.925 anyway); 200 bundled test images as a check that the loaded weights are the trained ones
  for (const [name, full] of [['vgg_small', 0.9327], ['resnet20', 0.9389], ['plain20', 0.9317]] as const) {
    it(`${name} is shipped, meets its aim (0.925) and its loaded weights classify the bundled test images`, async () => {
      const ck = shippedCheckpoint(name)!;
      expect(ck, `fixtures/zoo/${name}.bwvm`).toBeDefined();
      expect(ck.record.testImages).toBe(10000);
      expect(ck.record.testAccuracy).toBeGreaterThanOrEqual(0.925);
      expect(ck.record.testAccuracy).toBeCloseTo(full, 4);
      expect(ck.record.recipe).toMatchObject({ ...ZOO_RECIPES[name], epochs: ck.record.recipe.epochs });
      const { graph, pretrained } = loadZooModel(name);
      expect(pretrained).toBeDefined();
      const test = fashionMnist({ split: 'test', subset: 'bundled', normalize: pretrained!.normalization });
      const ev = await evaluate(graph, slice(test, 0, 200), { engine: 'fast', threads: 1 });
      expect(ev.accuracy).toBeGreaterThan(0.88); // a random init gives ~0.1
      const w = (g: typeof graph) => g.initializers.get(graph.nodes.find((n) => n.op === 'Conv')!.inputs[1]!)?.data;
      expect(w(zooModel(name))).not.toEqual(w(graph));
    }, 60000);
  }

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
