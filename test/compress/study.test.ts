// The compression study runner: every (model, budget, strategy, seed) row is a real prune +
// recalibrate + same fine-tune + evaluate; budgets are met; the base model is never modified;
// the summary has mean/spread over seeds and the verdict compares auto with the best baseline.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../src/bwdnn/data/index.js';
import { train } from '../../src/bwdnn/train/index.js';
import { runStudy, studyVerdict, summarizeStudy } from '../../src/compress/study.js';

const all = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
const trainSet = slice(all, 0, 1000);
const test = slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, 96);
const val = slice(all, 1500, 64);

describe('compression study', () => {
  it('runs every strategy x seed with the same fine-tune and summarizes', async () => {
    const base = zooModel('lenet5', { seed: 5 });
    await train(base, trainSet, { epochs: 1, batchSize: 32, seed: 1, lr: 0.03 });
    const w0 = Float32Array.from(base.initializers.values().next().value!.data as Float32Array);
    const seen: string[] = [];
    const rows = await runStudy({
      models: ['lenet5'], base: () => base, strategies: ['uniform', 'deep', 'auto'], flops: [0.5], seeds: [1, 2],
      train: trainSet, val, test, finetune: { epochs: 1, batchSize: 32, lr: 0.01, maxSteps: 3 }, simd: 4,
      onRow: (r, done, total) => seen.push(`${r.strategy}/${r.seed} ${done}/${total}`),
    });
    expect(rows).toHaveLength(6);
    expect(seen.at(-1)).toBe('auto/2 6/6');
    for (const r of rows) {
      expect(r.flops).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(r.params).toBeLessThan(1);
      expect(r.baseAccuracy).toBeGreaterThan(0.4);
      expect(r.accuracyAfter).toBeGreaterThanOrEqual(0);
      expect(r.accuracyAfter).toBeLessThanOrEqual(1);
    }
    // fine-tuning pruned copies never touches the base model
    expect(Float32Array.from(base.initializers.values().next().value!.data as Float32Array)).toEqual(w0);
    // different seeds give different fine-tunes
    const u = rows.filter((r) => r.strategy === 'uniform');
    expect(u[0]!.accuracyBefore).toBe(u[1]!.accuracyBefore);
    const s = summarizeStudy(rows);
    expect(s).toHaveLength(3);
    expect(s.every((x) => x.n === 2 && x.stdAfter >= 0)).toBe(true);
    const v = studyVerdict(s, 0.5);
    expect(v).toHaveLength(1);
    expect(v[0]!.autoWins).toBe(v[0]!.auto > v[0]!.bestBaseline);
    expect(['uniform', 'deep']).toContain(v[0]!.baseline);
  }, 180_000);
});
