// The shared post-training quantization step: the calibration split is the last N training
// images, the step equals calibrate-then-lower by hand, given statistics skip loading the training
// set, and the session keeps a model's statistics so later quantizations reuse them.
import { expect, test } from 'vitest';
import { collectStats } from '../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../src/compress/quant/lower.js';
import { slice, type Dataset } from '../../src/bwdnn/data/index.js';
import { runQuantized } from '../../src/bwdnn/quant/index.js';
import { Session } from '../../src/session/session.js';
import { CALIBRATIONS, asBatch, calibrateModel, calibrationSplit, quantizeSessionModel, quantizeWithCalibration } from '../../src/session/ptq.js';
import { asTensor, testSet, trainSet, trainedLenet } from '../compress/quant/support.js';

const g = trainedLenet();
const x = asTensor(slice(testSet, 0, 8));

test('calibrationSplit: the last N images, clamped to 1..n', () => {
  const c = calibrationSplit(trainSet, 32);
  expect(c.n).toBe(32);
  expect(Array.from(c.labels)).toEqual(Array.from(trainSet.labels.slice(trainSet.n - 32)));
  expect(calibrationSplit(trainSet, 1e9).n).toBe(trainSet.n);
  expect(calibrationSplit(trainSet, 0).n).toBe(1);
});

test('quantizeWithCalibration equals collectStats + lowerToInteger on the split; given stats do not load the training set', () => {
  const r = quantizeWithCalibration(g, trainSet, { bits: 8, perChannel: true, samples: 32 });
  expect(r.calib!.n).toBe(32);
  expect(r.bits).toBe(8);
  const byHand = lowerToInteger(g, collectStats(g, asBatch(slice(trainSet, trainSet.n - 32, 32))), { bits: 8, perChannel: true });
  expect(Array.from(runQuantized(r.model, x).q.data)).toEqual(Array.from(runQuantized(byHand, x).q.data));
  expect(r.qdq.nodes.some((n) => n.op === 'QuantizeLinear')).toBe(true);
  let loads = 0;
  const again = quantizeWithCalibration(g, () => { loads++; return trainSet; }, { bits: 16, stats: r.stats });
  expect(loads).toBe(0);
  expect(again.calib).toBeUndefined();
  expect(again.model.bits).toBe(16);
});

test('the session keeps a model\'s statistics: calibrated on first use, reused after', () => {
  const s = new Session();
  let loads = 0;
  const train = (): Dataset => { loads++; return trainSet; };
  const a = quantizeSessionModel(s, 'lenet', g, train, { bits: 8, samples: 16 });
  expect(loads).toBe(1);
  expect(s.store.get(CALIBRATIONS, 'lenet')).toEqual({ stats: a.stats, samples: 16 });
  const b = quantizeSessionModel(s, 'lenet', g, train, { bits: 16 });
  expect(loads).toBe(1);
  expect(b.stats).toBe(a.stats);
  const st = calibrateModel(s, 'lenet', g, train, 8);
  expect(loads).toBe(2);
  expect(s.store.get(CALIBRATIONS, 'lenet')).toEqual({ stats: st, samples: 8 });
});
