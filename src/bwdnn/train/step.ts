// One training step (forward tape, softmax cross-entropy, backward, optimizer update) as a
// reusable object: the node order, parameter list, engine, optimizer state and a buffer pool
// (activations and gradients reuse the previous step's buffers: no fresh pages per step).
// train() runs on it; benchmarks and other loops can too.
import type { Graph, Initializer, Node, Tensor } from '../../ir/types.js';
import { topoSort } from '../../ir/graph.js';
import { BwvmError } from '../../util/errors.js';
import { forwardTape } from './tape.js';
import { backward, trainableParams } from './backward.js';
import { softmaxCrossEntropy } from './loss.js';
import { sgd, type Optimizer } from './optim.js';
import { trainEngine, type EngineOptions, type TrainEngine } from './engine.js';
import { BufferPool } from '../memory/pool.js';

export interface StepResult {
  loss: number;
  /** Correct arg-max predictions in the batch. */
  correct: number;
  /** dLoss/dParam of this step (before the update); the buffers are recycled by the next step. */
  grads: Map<string, Float32Array>;
}

export interface TrainStepOptions extends EngineOptions {
  /** Default: SGD with momentum 0.9 and weight decay 5e-4. */
  optimizer?: Optimizer;
  /** Training-mode forward (BN batch statistics); default true. */
  training?: boolean;
  /** Tape and gradient buffers in the fast engine's arena (default true; ignored on the reference engine). */
  resident?: boolean;
  /** Debugging: reused buffers that kernels are trusted to overwrite in full start as NaN (BufferPool poison). */
  poison?: boolean;
}

export interface TrainStepper {
  readonly engine: TrainEngine;
  readonly params: Map<string, Initializer>;
  readonly order: Node[];
  /** Forward + backward + update on a batch x [N, ...] with integer labels, learning rate lr. */
  step(x: Tensor, labels: ArrayLike<number>, lr: number): StepResult;
  /** Frees the step's buffers (arena-resident on a fast engine); the stepper and the grads it returned must not be used again. */
  dispose(): void;
}

/** A stepper over g's trainable parameters; the weights of g are updated in place. */
export function createTrainStep(g: Graph, o: TrainStepOptions = {}): TrainStepper {
  const names = trainableParams(g);
  if (!names.length) throw new BwvmError('TRAIN_NO_PARAMS', `graph '${g.name}' has no trainable parameters`);
  const params = new Map<string, Initializer>(names.map((n) => [n, g.initializers.get(n)!]));
  const opt = o.optimizer ?? sgd({ momentum: 0.9, weightDecay: 5e-4 });
  const engine = trainEngine(o);
  const order = topoSort(g);
  const input = g.inputs[0]!.name, output = g.outputs[0]!.name;
  // on a fast engine the tape and gradient buffers live in the kernels' arena (no copies in and out)
  const rt = engine.runtime, resident = rt && (o.resident ?? true);
  const poolOptions = { poison: o.poison ?? false };
  const pool = resident ? new BufferPool({ f32: (n) => rt.allocResident(n), freeF32: (a) => rt.freeResident(a) }, poolOptions)
    : new BufferPool(undefined, poolOptions);
  let disposed = false;
  const stepper: TrainStepper = {
    engine, params, order,
    dispose() { if (!disposed) { disposed = true; pool.dispose(); released.unregister(stepper); } },
    step(x, labels, lr) {
      const tape = forwardTape(g, { [input]: x }, o.training ?? true, order, engine, pool);
      const owned = [...tape.values].filter(([k]) => !g.initializers.has(k) && k !== input).map(([, t]) => t);
      for (const cache of tape.caches.values()) {
        const xhat = (cache as { xhat?: Float32Array }).xhat;
        if (xhat) owned.push({ dtype: 'float32', shape: [xhat.length], data: xhat });
      }
      const r = softmaxCrossEntropy(tape.values.get(output)!.data as Float32Array, labels, x.shape[0]!);
      const grads = backward(tape, { [output]: r.grad }, names, { release: true });
      opt.step(params, grads, lr);
      // every activation and gradient buffer of this step goes back to the pool for the next one
      for (const t of owned) pool.release(t.dtype, t.data);
      for (const gr of grads.values()) pool.release('float32', gr);
      return { loss: r.loss, correct: r.correct, grads };
    },
  };
  if (resident) released.register(stepper, pool, stepper);
  return stepper;
}

/** Arena buffers of steppers dropped without dispose() go back when the stepper is collected. */
const released = new FinalizationRegistry<BufferPool>((pool) => pool.dispose());

/** One step on g (a fresh stepper: plain SGD without momentum state). */
export function trainStep(g: Graph, x: Tensor, labels: ArrayLike<number>, lr: number, o: TrainStepOptions = {}): StepResult {
  // the grads outlive the stepper: plain (not arena) buffers
  return createTrainStep(g, { optimizer: sgd({ momentum: 0 }), ...o, resident: false }).step(x, labels, lr);
}
