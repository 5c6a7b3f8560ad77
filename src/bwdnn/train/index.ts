// Public surface of bwDNN's backward pass and training: gradient table, tape, backward,
// loss, optimizers, schedules, train and evaluate loops, the training step and its engines
// (fast WebAssembly or reference JavaScript).
export { GRADS } from './grads/index.js';
export type { GradRow, GradKernel, GradCtx } from './grad.js';
export { forwardTape, type Tape } from './tape.js';
export { backward, backwardPlan, trainableParams, type BackwardPlan, type BackwardOptions } from './backward.js';
export { trainingStepMemory, type TrainingStepMemory, type TrainingStepMemoryOptions } from '../memory/training.js';
export { softmaxCrossEntropy, type LossResult } from './loss.js';
export { sgd, adam, type Optimizer, type OptimizerState, type SgdOptions, type AdamOptions } from './optim.js';
export { learningRate, type ScheduleName, type ScheduleOptions } from './schedule.js';
export { train, type TrainOptions, type TrainHistory, type EpochRecord, type StepProgress } from './trainer.js';
export { evaluate, type Evaluation, type EvaluateOptions } from './evaluate.js';
export { createTrainStep, trainStep, type TrainStepper, type TrainStepOptions, type StepResult } from './step.js';
export { trainEngine, fastEngine, sharedRuntime, defaultThreads, REFERENCE_ENGINE, type TrainEngine, type EngineName, type EngineOptions } from './engine.js';
export { FAST_GRADS, fastGrads } from './grads/fast.js';
