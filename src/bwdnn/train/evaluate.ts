// Evaluation of a classifier on a dataset with the reference executor or a training engine's
// kernels (inference semantics; the fast engine runs the compiled forward of src/bwdnn/fast,
// or its tape's kernels when the graph has an op the compiled forward does not cover):
// accuracy, mean cross-entropy loss, confusion matrix and per-class accuracy.
import type { Graph } from '../../ir/types.js';
import type { Dataset } from '../data/dataset.js';
import { run } from '../reference/run.js';
import { softmaxCrossEntropy } from './loss.js';
import { forwardTape } from './tape.js';
import { trainEngine, type EngineOptions } from './engine.js';
import { topoSort } from '../../ir/graph.js';
import { compileForward, type CompiledForward } from '../fast/forward.js';
import { BwvmError } from '../../util/errors.js';

/** The compiled forward on the engine's runtime; undefined when the graph is not covered. */
function compiled(g: Graph, rt: import('../kernels/runtime.js').DnnRuntime | undefined): CompiledForward | undefined {
  if (!rt) return undefined;
  try { return compileForward(g, rt); } catch (e) {
    if (e instanceof BwvmError && e.code === 'bwdnn.fast-forward') return undefined;
    throw e;
  }
}

export interface Evaluation {
  accuracy: number;
  loss: number;
  n: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  perClass: { label: number; name?: string; accuracy: number; n: number }[];
}

export interface EvaluateOptions {
  batchSize?: number;
  signal?: AbortSignal;
  limit?: number;
  /** Another forward engine (e.g. onnxruntime): input batch -> logits. Default: the reference executor. */
  forward?: (x: import('../../ir/types.js').Tensor) => Promise<Float32Array>;
  /** Run the forward on a training engine ('fast': the WebAssembly kernels); ignored when `forward` is given. */
  engine?: EngineOptions['engine'];
  threads?: number;
}

export async function evaluate(g: Graph, ds: Dataset, o: EvaluateOptions = {}): Promise<Evaluation> {
  const bs = o.batchSize ?? 100, n = Math.min(ds.n, o.limit ?? Infinity);
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const input = g.inputs[0]!.name, output = g.outputs[0]!.name;
  let k = 0, lossSum = 0, correct = 0;
  let confusion: number[][] = [];
  const engine = o.engine ? trainEngine({ engine: o.engine, ...(o.threads ? { threads: o.threads } : {}) }) : undefined;
  const order = engine ? topoSort(g) : [];
  const fast = o.forward ? undefined : compiled(g, engine?.runtime);
  try {
    for (let s = 0; s < n; s += bs) {
      o.signal?.throwIfAborted();
      const m = Math.min(bs, n - s);
      const x = { dtype: 'float32' as const, shape: [m, ...ds.shape], data: ds.images.subarray(s * per, (s + m) * per) };
      const logits = o.forward ? await o.forward(x)
        : fast ? (fast.run({ [input]: x })[output]!.data as Float32Array)
        : engine ? (forwardTape(g, { [input]: x }, false, order, engine).values.get(output)!.data as Float32Array)
          : (run(g, { [input]: x })[output]!.data as Float32Array);
      if (!k) { k = logits.length / m; confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0)); }
      const labels = ds.labels.subarray(s, s + m);
      const r = softmaxCrossEntropy(logits, labels, m);
      lossSum += r.loss * m;
      correct += r.correct;
      for (let i = 0; i < m; i++) {
        let arg = 0;
        for (let j = 1; j < k; j++) if (logits[i * k + j]! > logits[i * k + arg]!) arg = j;
        confusion[labels[i]!]![arg]! += 1;
      }
      await new Promise((r2) => setImmediate(r2));
    }
  } finally { fast?.dispose(); }
  const perClass = confusion.map((row, label) => {
    const t = row.reduce((a, b) => a + b, 0);
    return { label, ...(ds.classes?.[label] ? { name: ds.classes[label] } : {}), accuracy: t ? row[label]! / t : 0, n: t };
  });
  return { accuracy: correct / n, loss: lossSum / n, n, confusion, perClass };
}
