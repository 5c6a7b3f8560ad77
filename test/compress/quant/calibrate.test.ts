// Calibration: min/max is the exact range of every value over the split; percentile clips rare
// outliers; the MSE-optimal range has no more quantization error than min/max on the samples.
import { expect, test } from 'vitest';
import { collectStats, chooseRange, quantMse } from '../../../src/compress/quant/calibrate.js';
import { paramsForRange } from '../../../src/ir/quant.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { calibSplit, trainedLenet } from './support.js';

const g = trainedLenet();
const data = calibSplit(64);
const stats = collectStats(g, data, { batchSize: 16 });

test('min/max statistics cover the input and every node output, exactly', () => {
  expect([...stats.keys()]).toEqual(['input', ...g.nodes.map((n) => n.outputs[0]!)]);
  const logits = run(g, { input: data }).logits!.data as Float32Array;
  expect(stats.get('logits')!.min).toBe(Math.min(...logits));
  expect(stats.get('logits')!.max).toBe(Math.max(...logits));
  expect(stats.get('relu1_out')!.min).toBe(0);
  expect(stats.get('conv1_out')!.count).toBe(64 * 6 * 28 * 28);
});

test('percentile and MSE ranges are inside min/max; MSE is no worse than min/max', () => {
  const st = stats.get('conv2_out')!;
  const mm = chooseRange(st, { method: 'minmax', dtype: 'int8', symmetric: false });
  const pc = chooseRange(st, { method: 'percentile', dtype: 'int8', symmetric: false, percentile: 99 });
  const ms = chooseRange(st, { method: 'mse', dtype: 'int8', symmetric: false });
  expect(pc.max).toBeLessThan(mm.max);
  expect(pc.min).toBeGreaterThan(mm.min);
  expect(ms.max).toBeLessThanOrEqual(mm.max);
  const err = (r: { min: number; max: number }) => { const p = paramsForRange(r.min, r.max, 'int8', false); return quantMse(st.samples, p.scale, p.zeroPoint, 'int8'); };
  expect(err(ms)).toBeLessThanOrEqual(err(mm));
});

test('MSE-optimal clipping beats min/max on a heavy-tailed distribution', () => {
  const samples = new Float32Array(10000);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.sin(i * 12.9898) * 1; // in [-1, 1]
  samples[17] = 40; // one outlier
  const st = { min: -1, max: 40, samples, count: samples.length };
  const ms = chooseRange(st, { method: 'mse', dtype: 'int8', symmetric: true });
  expect(ms.max).toBeLessThan(40);
  expect(() => chooseRange(st, { method: 'bogus' as never, dtype: 'int8', symmetric: true })).toThrow(/unknown calibration method/);
});
