// vgg_small rows of `npm run bench:dnn` (the zoo's vgg_small, 1x28x28 input): bwDNN inference
// (the compiled fast forward, src/bwdnn/fast; BENCH_VGG_EXECUTOR=1: the executor with the
// WebAssembly kernel table instead), one bwDNN training step (src/bwdnn/train's stepper on the
// fast engine), and the same graph as ONNX for onnxruntime.
import * as ort from 'onnxruntime-node';
import type { DnnRuntime } from '../src/bwdnn/kernels/runtime.js';
import { fastKernels } from '../src/bwdnn/kernels/ops.js';
import { run } from '../src/bwdnn/reference/run.js';
import { compileForward } from '../src/bwdnn/fast/forward.js';
import { createTrainStep } from '../src/bwdnn/train/index.js';
import { vggSmall } from '../src/bwdnn/zoo/models.js';
import { graphCost } from '../src/ir/cost.js';
import { exportOnnx } from '../src/frontend/onnx/export.js';
import type { Tensor } from '../src/ir/types.js';
import type { OnnxCase } from './dnn-workloads.js';

const input = (n: number): Tensor => ({ dtype: 'float32', shape: [n, 1, 28, 28], data: Float32Array.from({ length: n * 784 }, () => Math.random()) });

/** FLOPs of one forward pass of a batch of n (the IR cost model: multiply-add = 2). */
export function vggFlops(n: number): number {
  return graphCost(vggSmall()).flops * n;
}

/** One forward of a batch of n, input uploaded and logits downloaded each run. */
export function vggInference(rt: DnnRuntime, n: number): () => void {
  const g = vggSmall(), x = input(n);
  if (process.env.BENCH_VGG_EXECUTOR === '1') {
    const kernels = fastKernels(rt);
    return () => { run(g, { input: x }, { kernels }); };
  }
  const fwd = compileForward(g, rt);
  return () => { fwd.run({ input: x }); };
}

/** One training step of the fast engine on rt (createTrainStep: tape, loss, backward, SGD). */
export function vggTrainStep(rt: DnnRuntime, n: number): () => void {
  const g = vggSmall(), x = input(n);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const stepper = createTrainStep(g, { engine: 'fast', runtime: rt });
  return () => { stepper.step(x, labels, 0.01); };
}

export function vggOnnx(n: number): OnnxCase {
  const x = input(n);
  return { model: exportOnnx(vggSmall()), feeds: { input: new ort.Tensor('float32', x.data as Float32Array, x.shape) } };
}
