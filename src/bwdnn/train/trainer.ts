// The training loop: minibatch SGD/Adam with a learning-rate schedule on softmax cross-entropy,
// seeded (same seed, same weights), interruptible between steps (the weights stay those of the
// last finished step), with per-step progress and per-epoch history (optionally validated).
import type { Graph, Tensor } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import type { Dataset } from '../data/dataset.js';
import { batches, type Augment } from '../data/batches.js';
import { adam, sgd, type Optimizer, type OptimizerState } from './optim.js';
import { createTrainStep, type TrainStepper } from './step.js';
import { forwardTape } from './tape.js';
import type { EngineOptions } from './engine.js';
import { learningRate, type ScheduleName } from './schedule.js';
import { evaluate } from './evaluate.js';

export interface TrainOptions extends EngineOptions {
  epochs?: number;
  batchSize?: number;
  optimizer?: 'sgd' | 'adam';
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: ScheduleName;
  stepSize?: number;
  gamma?: number;
  seed?: number;
  augment?: Augment;
  /** Stop after this many steps in total (for quick runs). */
  maxSteps?: number;
  /** Evaluated after every epoch. */
  validation?: Dataset;
  signal?: AbortSignal;
  /** Continue a run: this many epochs are already done (their steps count for the schedule and
   *  the shuffling seeds), the graph holds their weights, `optimizer` their optimizer state. */
  resume?: { epochs: number; optimizer?: OptimizerState };
  onStep?(p: StepProgress): void;
  onEpoch?(e: EpochRecord): void;
  /** After each finished epoch: epochs done so far and the optimizer state (for resumable runs). */
  onCheckpoint?(epochsDone: number, optimizer: OptimizerState): void | Promise<void>;
}

export interface StepProgress { epoch: number; step: number; totalSteps: number; loss: number; accuracy: number; lr: number }
export interface EpochRecord { epoch: number; loss: number; accuracy: number; lr: number; seconds: number; valAccuracy?: number; valLoss?: number }
export interface TrainHistory { epochs: EpochRecord[]; steps: number; interrupted: boolean; params: number }

/** Inference-mode logits of a batch on the stepper's engine. */
function forwardLogits(g: Graph, s: TrainStepper, x: Tensor): Float32Array {
  return forwardTape(g, { [g.inputs[0]!.name]: x }, false, s.order, s.engine).values.get(g.outputs[0]!.name)!.data as Float32Array;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export async function train(g: Graph, ds: Dataset, o: TrainOptions = {}): Promise<TrainHistory> {
  const epochs = o.epochs ?? 1, bs = o.batchSize ?? 32, seed = o.seed ?? 1;
  if (!(bs >= 1) || !(epochs >= 0)) throw new BwvmError('TRAIN_OPTIONS', `batch size ${bs} and epochs ${epochs} must be positive`);
  const opt: Optimizer = o.optimizer === 'adam' ? adam({ weightDecay: o.weightDecay ?? 0 }) : sgd({ momentum: o.momentum ?? 0.9, weightDecay: o.weightDecay ?? 5e-4 });
  const lr0 = o.lr ?? (o.optimizer === 'adam' ? 1e-3 : 0.05);
  const perEpoch = Math.ceil(ds.n / bs);
  const totalSteps = Math.min(epochs * perEpoch, o.maxSteps ?? Infinity);
  const start = o.resume?.epochs ?? 0;
  if (!(Number.isInteger(start) && start >= 0)) throw new BwvmError('TRAIN_OPTIONS', `resume epochs ${start} must be a whole number >= 0`);
  if (o.resume?.optimizer) opt.load(o.resume.optimizer);
  const stepper = createTrainStep(g, { ...o, optimizer: opt });
  const step0 = start * perEpoch; // global step of this call's first step
  const history: TrainHistory = { epochs: [], steps: 0, interrupted: false, params: [...stepper.params.values()].reduce((a, p) => a + p.data.length, 0) };
  try {
    for (let epoch = start; epoch < epochs && step0 + history.steps < totalSteps; epoch++) {
      const t0 = performance.now();
      let lossSum = 0, correct = 0, seen = 0, lr = lr0;
      for (const b of batches(ds, { batchSize: bs, shuffle: true, seed: seed * 1000 + epoch, ...(o.augment ? { augment: o.augment } : {}) })) {
        if (o.signal?.aborted || step0 + history.steps >= totalSteps) break;
        lr = learningRate({ name: o.schedule ?? 'constant', lr: lr0, totalSteps, stepsPerEpoch: perEpoch, stepSize: o.stepSize ?? 1, gamma: o.gamma ?? 0.1 }, step0 + history.steps);
        const x = { dtype: 'float32' as const, shape: [b.size, ...ds.shape], data: b.images };
        const r = stepper.step(x, b.labels, lr);
        history.steps++;
        lossSum += r.loss * b.size;
        correct += r.correct;
        seen += b.size;
        o.onStep?.({ epoch, step: step0 + history.steps, totalSteps, loss: r.loss, accuracy: r.correct / b.size, lr });
        await tick();
      }
      if (o.signal?.aborted) { history.interrupted = true; break; }
      const rec: EpochRecord = { epoch, loss: lossSum / Math.max(1, seen), accuracy: correct / Math.max(1, seen), lr, seconds: (performance.now() - t0) / 1000 };
      if (o.validation) {
        const v = await evaluate(g, o.validation, { ...(o.signal ? { signal: o.signal } : {}), forward: async (x) => forwardLogits(g, stepper, x) });
        rec.valAccuracy = v.accuracy;
        rec.valLoss = v.loss;
      }
      history.epochs.push(rec);
      o.onEpoch?.(rec);
      await o.onCheckpoint?.(epoch + 1, opt.state());
    }
  } finally {
    stepper.dispose();
  }
  return history;
}
