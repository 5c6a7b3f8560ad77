// Gradients for the first-order Taylor criterion (Molchanov et al.): dLoss/dParam of the
// softmax cross-entropy, summed over a few minibatches of labelled data with bwDNN's backward
// pass in inference mode (BN uses its running statistics, so the model is not changed).
import type { Graph } from '../ir/types.js';
import type { Dataset } from '../bwdnn/data/dataset.js';
import { backward, forwardTape, softmaxCrossEntropy, trainableParams } from '../bwdnn/train/index.js';
import { BwvmError } from '../util/errors.js';

export interface TaylorOptions {
  /** Samples used in total (default 256). */
  samples?: number;
  batchSize?: number;
  signal?: AbortSignal;
}

/** Summed parameter gradients over the first `samples` images of `data`. */
export function taylorGradients(g: Graph, data: Dataset, o: TaylorOptions = {}): Map<string, Float32Array> {
  const n = Math.min(data.n, o.samples ?? 256), bs = Math.max(1, o.batchSize ?? 64);
  if (n < 1) throw new BwvmError('CRITERION_TAYLOR', 'the taylor criterion needs labelled samples, the dataset is empty', { hint: 'load a dataset with %dataset first' });
  if (g.inputs.length !== 1 || g.outputs.length !== 1) {
    throw new BwvmError('CRITERION_TAYLOR', `model '${g.name}' has ${g.inputs.length} inputs and ${g.outputs.length} outputs; the taylor criterion needs a single-input classifier`, { hint: 'use --criterion l1' });
  }
  const per = data.shape[0] * data.shape[1] * data.shape[2];
  const params = trainableParams(g);
  const sum = new Map<string, Float32Array>();
  const input = g.inputs[0]!.name, output = g.outputs[0]!.name;
  for (let s = 0; s < n; s += bs) {
    o.signal?.throwIfAborted();
    const m = Math.min(bs, n - s);
    const x = { dtype: 'float32' as const, shape: [m, ...data.shape], data: data.images.slice(s * per, (s + m) * per) };
    const tape = forwardTape(g, { [input]: x }, false);
    const logits = tape.values.get(output)!.data as Float32Array;
    const loss = softmaxCrossEntropy(logits, data.labels.subarray(s, s + m), m);
    const grads = backward(tape, { [output]: loss.grad }, params);
    for (const [k, v] of grads) {
      const acc = sum.get(k);
      if (!acc) sum.set(k, Float32Array.from(v));
      else for (let i = 0; i < v.length; i++) acc[i] += v[i]!;
    }
  }
  return sum;
}
