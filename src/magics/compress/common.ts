// Shared state and helpers of the compression magics: per-model caches of dependency groups,
// importance scores and sensitivity results in the session; the validation and calibration
// data; the reference-executor evaluation function handed to the compress library.
import type { Graph, Tensor } from '../../ir/types.js';
import type { Dataset } from '../../bwdnn/data/dataset.js';
import { slice } from '../../bwdnn/data/dataset.js';
import { evaluate } from '../../bwdnn/train/evaluate.js';
import { analyzeGroups, groupScores, recalibrateBn, type ChannelGroup, type Criterion, type CompressionPlan, type SensitivityResult, CRITERIA } from '../../compress/index.js';
import { storeKey } from '../../session/store.js';
import type { Session } from '../../session/session.js';
import { BwvmError } from '../../util/errors.js';
import { resolveDataset } from '../train/dataset.js';
import { ortRunner } from '../../frontend/onnx/runtime.js';

export const SENSITIVITY = storeKey<SensitivityResult>('sensitivity');
export const PLANS = storeKey<CompressionPlan & { model: string; pruned: string }>('plan');

export function criterionOf(text: string | undefined): Criterion {
  const c = (text ?? 'l1') as Criterion;
  if (!CRITERIA.includes(c)) throw new BwvmError('compress-criterion', `unknown criterion '${text}'`, { hint: `criteria: ${CRITERIA.join(', ')}` });
  return c;
}

/** Channel scores; 'taylor' measures gradients on (up to 256 images of) the session's training set. */
export function scoresFor(session: Session, g: Graph, groups: ChannelGroup[], criterion: Criterion, seed = 1): Map<number, Float64Array> {
  const data = criterion === 'taylor' ? resolveDataset(session, undefined, 'train').ds : undefined;
  return groupScores(g, groups, criterion, { seed, ...(data ? { data, taylor: { samples: 256 } } : {}) });
}

export function groupsOf(g: Graph): ChannelGroup[] {
  return analyzeGroups(g);
}

export interface EvalData { val: Dataset; calib: Tensor; valName: string }

export function evalData(session: Session, valName: string | undefined, samples: number, calibSamples: number): EvalData {
  const v = resolveDataset(session, valName, 'test');
  const t = resolveDataset(session, undefined, 'train').ds;
  const c = slice(t, 0, Math.min(calibSamples, t.n));
  return { val: slice(v.ds, 0, Math.min(samples, v.ds.n)), valName: v.name, calib: { dtype: 'float32', shape: [c.n, ...c.shape], data: c.images } };
}

export type Engine = 'bwdnn' | 'ort';
export const ENGINE_FLAG = { name: 'engine', type: 'string' as const, help: 'forward engine for evaluation: bwdnn (reference) or ort (onnxruntime, faster)', default: 'bwdnn' };

export function engineOf(text: string | undefined): Engine {
  if (text === undefined || text === 'bwdnn' || text === 'ort') return text ?? 'bwdnn';
  throw new BwvmError('compress-engine', `unknown engine '${text}'`, { hint: 'use --engine bwdnn or --engine ort' });
}

/** Evaluate a graph on `val` with the chosen engine. */
export async function evaluateWith(engine: Engine, g: Graph, val: Dataset, signal: AbortSignal) {
  if (engine === 'bwdnn') return evaluate(g, val, { signal });
  const r = await ortRunner(g);
  try {
    const out = g.outputs[0]!.name, inp = g.inputs[0]!.name;
    return await evaluate(g, val, { signal, forward: async (x) => (await r.run({ [inp]: x }))[out]!.data as Float32Array });
  } finally {
    await r.release();
  }
}

export function evaluator(val: Dataset, signal: AbortSignal, engine: Engine = 'bwdnn') {
  return async (g: Graph) => { const e = await evaluateWith(engine, g, val, signal); return { accuracy: e.accuracy, loss: e.loss }; };
}

export const recalibrator = (calib: Tensor) => (g: Graph) => recalibrateBn(g, calib);
