// Public surface of bwDNN's backward pass and training: gradient table, tape, backward,
// loss, optimizers, schedules, train and evaluate loops.
export { GRADS } from './grads/index.js';
export type { GradRow, GradKernel, GradCtx } from './grad.js';
export { forwardTape, type Tape } from './tape.js';
export { backward, trainableParams } from './backward.js';
export { softmaxCrossEntropy, type LossResult } from './loss.js';
export { sgd, adam, type Optimizer, type SgdOptions, type AdamOptions } from './optim.js';
export { learningRate, type ScheduleName, type ScheduleOptions } from './schedule.js';
export { train, type TrainOptions, type TrainHistory, type EpochRecord, type StepProgress } from './trainer.js';
export { evaluate, type Evaluation, type EvaluateOptions } from './evaluate.js';
