// Test support: single-node graphs, random tensors, onnxruntime-node runs of exported IR graphs,
// and relative-error comparison against the bwDNN reference executor.
import * as ort from 'onnxruntime-node';
import type { DType, Graph, Tensor, TensorInfo, Attrs } from '../../../src/ir/types.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { exportOnnx } from '../../../src/frontend/onnx/export.js';
import { allocData } from '../../../src/ir/dtype.js';

/** Deterministic pseudo-random floats in [-1, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return (s / 4294967296) * 2 - 1; };
}

export function randTensor(shape: number[], seed = 1, dtype: DType = 'float32'): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocData(dtype, n);
  for (let i = 0; i < n; i++) (data as Float32Array)[i] = r();
  return { dtype, shape, data };
}

export const ints = (vals: number[], shape = [vals.length]): Tensor => ({ dtype: 'int64', shape, data: BigInt64Array.from(vals.map(BigInt)) });
export const floats = (vals: number[], shape = [vals.length]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(vals) });

export interface InSpec { name?: string; shape: number[]; init?: Tensor; feed?: Tensor }

/** A graph with one node: inputs with `init` become initializers, the rest graph inputs. */
export function singleNode(op: string, attrs: Attrs, ins: (InSpec | null)[], opset = 13, nOut = 1): { graph: Graph; feeds: Record<string, Tensor> } {
  const g = createGraph({ name: `t_${op}`, opset });
  const feeds: Record<string, Tensor> = {};
  const names = ins.map((s, i) => {
    if (!s) return '';
    const name = s.name ?? `in${i}`;
    if (s.init) g.initializers.set(name, { name, ...s.init });
    else {
      const t = s.feed ?? randTensor(s.shape, 7 + i * 31);
      feeds[name] = t;
      g.inputs.push({ name, dtype: t.dtype, shape: [...s.shape] } satisfies TensorInfo);
    }
    return name;
  });
  const outs = Array.from({ length: nOut }, (_, i) => `out${i}`);
  g.nodes.push({ name: `${op}_0`, op, inputs: names, outputs: outs, attrs });
  g.outputs = outs.map((o) => ({ name: o, dtype: 'float32', shape: [] }));
  inferShapes(g);
  return { graph: g, feeds };
}

/** Run an IR graph in onnxruntime-node (through bwvm's exporter). */
export async function runOrt(g: Graph, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const bytes = exportOnnx(g);
  const sess = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.shape);
  const res = await sess.run(ortFeeds);
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(res)) out[k] = { dtype: v.type as DType, shape: [...v.dims], data: v.data as Float32Array };
  await sess.release();
  return out;
}

/** max |a-b| / max(1, max|b|)-style relative error (robust near zero). */
export function maxRelErr(a: Tensor, b: Tensor): number {
  if (a.data.length !== b.data.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) scale = Math.max(scale, Math.abs(Number(b.data[i])));
  let err = 0;
  for (let i = 0; i < a.data.length; i++) err = Math.max(err, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return err / Math.max(scale, 1e-6);
}
