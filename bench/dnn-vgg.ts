// vgg_small rows of `npm run bench:dnn` (the zoo's vgg_small, 1x28x28 input): bwDNN inference
// (the executor with the WebAssembly kernel table), one bwDNN training step (src/bwdnn/train:
// tape, softmax cross-entropy, backward, SGD), and the same graph as ONNX for onnxruntime.
import * as ort from 'onnxruntime-node';
import type { DnnRuntime } from '../src/bwdnn/kernels/runtime.js';
import { fastKernels } from '../src/bwdnn/kernels/ops.js';
import { run } from '../src/bwdnn/reference/run.js';
import * as T from '../src/bwdnn/train/index.js';
import { vggSmall } from '../src/bwdnn/zoo/models.js';
import { topoSort } from '../src/ir/graph.js';
import { graphCost } from '../src/ir/cost.js';
import { exportOnnx } from '../src/frontend/onnx/export.js';
import type { Tensor } from '../src/ir/types.js';
import type { OnnxCase } from './dnn-workloads.js';

const input = (n: number): Tensor => ({ dtype: 'float32', shape: [n, 1, 28, 28], data: Float32Array.from({ length: n * 784 }, () => Math.random()) });

/** FLOPs of one forward pass of a batch of n (the IR cost model: multiply-add = 2). */
export function vggFlops(n: number): number {
  return graphCost(vggSmall()).flops * n;
}

export function vggInference(rt: DnnRuntime, n: number): () => void {
  const g = vggSmall(), kernels = fastKernels(rt), x = input(n);
  return () => { run(g, { input: x }, { kernels }); };
}

/** The training engine on rt when src/bwdnn/train has the fast engine, else the reference one. */
export function trainEngineName(): string {
  return typeof (T as Record<string, unknown>)['fastEngine'] === 'function' ? 'fast (WebAssembly)' : 'reference (JavaScript)';
}

export function vggTrainStep(rt: DnnRuntime, n: number): () => void {
  const g = vggSmall(), order = topoSort(g), x = input(n);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const names = T.trainableParams(g), params = new Map(names.map((k) => [k, g.initializers.get(k)!]));
  const opt = T.sgd({ momentum: 0.9, weightDecay: 5e-4 });
  const fast = (T as Record<string, unknown>)['fastEngine'] as ((r: DnnRuntime) => unknown) | undefined;
  const engine = fast?.(rt);
  const tapeOf = T.forwardTape as (...a: unknown[]) => T.Tape;
  return () => {
    const tape = engine ? tapeOf(g, { input: x }, true, order, engine) : T.forwardTape(g, { input: x }, true, order);
    const r = T.softmaxCrossEntropy(tape.values.get('logits')!.data as Float32Array, labels, n);
    opt.step(params, T.backward(tape, { logits: r.grad }, names), 0.01);
  };
}

export function vggOnnx(n: number): OnnxCase {
  const x = input(n);
  return { model: exportOnnx(vggSmall()), feeds: { input: new ort.Tensor('float32', x.data as Float32Array, x.shape) } };
}
