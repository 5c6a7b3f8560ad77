// Zoo models with shipped pretrained weights: loadZooModel (checkpoint weights on the zoo
// architecture; --random / other input shapes give the seeded init; a mismatching checkpoint is
// refused) and %load_model lenet5 reaching the recorded test accuracy on the bundled subset.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadZooModel, MODELS } from '../../src/session/models.js';
import { shippedCheckpoint } from '../../src/bwdnn/zoo/pretrained.js';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { fashionMnist } from '../../src/bwdnn/data/fashion-mnist.js';
import { evaluate } from '../../src/bwdnn/train/evaluate.js';
import { saveNative } from '../../src/frontend/native/index.js';
import { makeExecutor, run } from '../magics/support/harness.js';

const same = (a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

describe('loadZooModel', () => {
  it('loads the shipped lenet5 weights onto the zoo architecture', () => {
    const ck = shippedCheckpoint('lenet5')!;
    const { graph, pretrained } = loadZooModel('lenet5');
    expect(pretrained?.testAccuracy).toBe(ck.record.testAccuracy);
    const fresh = zooModel('lenet5');
    expect([...graph.initializers.keys()]).toEqual([...fresh.initializers.keys()]);
    expect(same(graph.initializers.get('conv1.weight')!.data, fresh.initializers.get('conv1.weight')!.data)).toBe(false);
    expect(JSON.parse(graph.meta.normalization!)).toEqual(ck.record.normalization);
  });

  it('reaches its recorded test accuracy on the bundled Fashion-MNIST test subset (within 0.03)', async () => {
    const { graph, pretrained } = loadZooModel('lenet5');
    const ds = fashionMnist({ split: 'test', subset: 'bundled', normalize: pretrained!.normalization });
    const ev = await evaluate(graph, ds);
    expect(ev.n).toBe(500);
    expect(Math.abs(ev.accuracy - pretrained!.testAccuracy)).toBeLessThanOrEqual(0.03);
  }, 60_000);

  it('gives the seeded initialization with random, or for another input shape', () => {
    const r = loadZooModel('lenet5', { random: true, seed: 3 });
    expect(r.pretrained).toBeUndefined();
    expect(r.note).toMatch(/--random/);
    expect(same(r.graph.initializers.get('fc1.weight')!.data, zooModel('lenet5', { seed: 3 }).initializers.get('fc1.weight')!.data)).toBe(true);
    const c = loadZooModel('lenet5', { input: [3, 32, 32] });
    expect(c.pretrained).toBeUndefined();
    expect(c.note).toMatch(/1x28x28/);
  });

  it('uses the seeded initialization when no checkpoint is shipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-zoo-'));
    const r = loadZooModel('lenet5', { checkpointDir: dir });
    expect(r.pretrained).toBeUndefined();
    expect(same(r.graph.initializers.get('conv1.weight')!.data, zooModel('lenet5').initializers.get('conv1.weight')!.data)).toBe(true);
  });

  it('refuses a checkpoint whose tensors do not fit the architecture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-zoo-'));
    saveNative(zooModel('lenet5', { classes: 7 }), join(dir, 'lenet5.bwvm'));
    writeFileSync(join(dir, 'lenet5.json'), JSON.stringify({ model: 'lenet5', testAccuracy: 0.5, normalization: { mean: [0], std: [1] } }));
    expect(() => loadZooModel('lenet5', { checkpointDir: dir })).toThrow(/fc3\.weight.*train:zoo/s);
  });
});

describe('%load_model with shipped weights', () => {
  it('loads pretrained lenet5, and --random the fresh init', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, '%load_model lenet5 --no-graph')).outcome.status).toBe('ok');
    const m = exec.session.store.get(MODELS, 'lenet5')!;
    expect(m.pretrained?.testAccuracy).toBeGreaterThanOrEqual(0.9);
    await run(exec, '%load_model lenet5 --random --name fresh --no-graph');
    const f = exec.session.store.get(MODELS, 'fresh')!;
    expect(f.pretrained).toBeUndefined();
    expect(same(f.graph.initializers.get('conv1.weight')!.data, zooModel('lenet5').initializers.get('conv1.weight')!.data)).toBe(true);
  }, 60_000);
});
