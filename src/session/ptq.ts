// The post-training quantization step shared by the CLI (`bwvm quantize`, `bwvm compile --bits`)
// and the magics (%calibrate, %quantize, %qat, %simulate --bits): the calibration split (the last
// N images of a training set, never used for evaluation), activation statistics on it (kept per
// model in the session), and the lowering to the integer model plus its QDQ graph.
import type { Graph, Tensor } from '../ir/types.js';
import { slice, type Dataset } from '../bwdnn/data/index.js';
import { collectStats, lowerToInteger, toQdqGraph, type PtqResult, type QuantizeOptions, type Stats } from '../compress/quant/index.js';
import { storeKey } from './store.js';
import type { Session } from './session.js';

/** Statistics per model name (set by %calibrate or by the first quantization that needed them). */
export const CALIBRATIONS = storeKey<{ stats: Stats; samples: number }>('quant-calibration');

/** A training set, or a function loading it only when calibration needs it. */
export type TrainSource = Dataset | (() => Dataset);
const load = (t: TrainSource): Dataset => (typeof t === 'function' ? t() : t);

/** The last `n` images of `train` (at least one, at most all of them). */
export function calibrationSplit(train: Dataset, n = 256): Dataset {
  const k = Math.max(1, Math.min(Math.floor(n), train.n));
  return slice(train, train.n - k, k);
}

export const asBatch = (d: Dataset): Tensor => ({ dtype: 'float32', shape: [d.n, ...d.shape], data: d.images });

/** Activation statistics of `g` on the calibration split of `train`. */
export function calibrationStats(g: Graph, train: Dataset, n = 256, signal?: AbortSignal): { stats: Stats; calib: Dataset } {
  const calib = calibrationSplit(train, n);
  return { stats: collectStats(g, asBatch(calib), signal ? { signal } : {}), calib };
}

export interface PtqStepOptions extends QuantizeOptions {
  /** Calibration images (the last N of `train`; default 256). */
  samples?: number;
  /** Statistics already collected (e.g. by %calibrate): no calibration run. */
  stats?: Stats;
  signal?: AbortSignal;
}

export interface PtqStep extends PtqResult {
  bits: 8 | 16;
  /** The calibration split (undefined when `stats` were given: the training set is not loaded). */
  calib?: Dataset;
}

/** Calibrate (unless stats are given), lower to the integer model and build its QDQ graph. */
export function quantizeWithCalibration(g: Graph, train: TrainSource, o: PtqStepOptions = {}): PtqStep {
  const { samples = 256, stats: given, signal, ...q } = o;
  let stats = given, calib: Dataset | undefined;
  if (!stats) ({ stats, calib } = calibrationStats(g, load(train), samples, signal));
  const model = lowerToInteger(g, stats, q);
  return { model, qdq: toQdqGraph(model), stats, bits: q.bits ?? 8, ...(calib ? { calib } : {}) };
}

/** Calibrate model `name` on `n` training images and keep the statistics in the session. */
export function calibrateModel(session: Session, name: string, g: Graph, train: TrainSource, n = 256, signal?: AbortSignal): Stats {
  const { stats, calib } = calibrationStats(g, load(train), n, signal);
  session.store.set(CALIBRATIONS, name, { stats, samples: calib.n });
  return stats;
}

/** quantizeWithCalibration with the session's statistics of model `name` (collected and kept on first use). */
export function quantizeSessionModel(session: Session, name: string, g: Graph, train: TrainSource, o: PtqStepOptions = {}): PtqStep {
  const stats = session.store.get(CALIBRATIONS, name)?.stats ?? calibrateModel(session, name, g, train, o.samples ?? 256, o.signal);
  return quantizeWithCalibration(g, train, { ...o, stats });
}
