// bwDNN reference executor: the numerical oracle of the project.
export { run, runDetailed } from './run.js';
export type { RunOptions, RunResult } from './run.js';
export { KERNELS } from './kernels/index.js';
export type { Kernel, KernelCtx } from './kernel.js';
export { compareTensors, compareOutputs } from './compare.js';
export type { TensorDiff } from './compare.js';
