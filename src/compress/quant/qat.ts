// Quantization-aware fine-tuning: the float graph gets QuantizeLinear -> DequantizeLinear pairs
// on every Conv/Gemm weight (per-channel symmetric scales refreshed from the weights after each
// step) and after every requantized activation (scales from PTQ), trains with bwDNN's loop (the
// QDQ pairs backpropagate as a straight-through estimator), then the fine-tuned float weights are
// written back into a copy of the original graph, ready to be lowered again.
import type { Attrs, Graph, Initializer, Node } from '../../ir/types.js';
import { cloneGraph } from '../../ir/graph.js';
import { quantRange } from '../../ir/quant.js';
import type { QModel } from '../../bwdnn/quant/model.js';
import type { Dataset } from '../../bwdnn/data/dataset.js';
import { train, type TrainHistory, type TrainOptions } from '../../bwdnn/train/index.js';
import { foldBatchNorm } from './fold-bn.js';

export interface FakeQuantGraph {
  graph: Graph;
  /** Recompute the per-channel weight scales from the current weights. */
  refresh(): void;
}

const zpTensor = (name: string, dt: 'int8' | 'int16', n: number, perCh: boolean): Initializer =>
  ({ name, dtype: dt, shape: perCh ? [n] : [], data: dt === 'int8' ? new Int8Array(n) : new Int16Array(n) });

/** The float graph with fake quantization matching the integer model m. */
export function insertFakeQuant(g: Graph, m: QModel): FakeQuantGraph {
  const q = cloneGraph(g);
  const nodes: Node[] = [];
  const refreshers: (() => void)[] = [];
  const pairs = new Map<string, Node[]>(); // value -> its Q/DQ nodes, placed after the producer
  const rename = new Map<string, string>();
  const outputs = new Set(q.outputs.map((o) => o.name));
  const addPair = (v: string, s: Initializer, z: Initializer, axis?: number): Node[] => {
    q.initializers.set(s.name, s); q.initializers.set(z.name, z);
    const attrs: Attrs = axis === undefined ? {} : { axis };
    return [
      { name: `${v}.fq_Q`, op: 'QuantizeLinear', inputs: [v, s.name, z.name], outputs: [`${v}.fq_q`], attrs },
      { name: `${v}.fq_DQ`, op: 'DequantizeLinear', inputs: [`${v}.fq_q`, s.name, z.name], outputs: [`${v}.fq`], attrs },
    ];
  };
  for (const n of m.nodes) {
    if (n.op === 'Conv' || n.op === 'Gemm') {
      const node = q.nodes.find((x) => x.name === n.name)!;
      const wName = node.inputs[1]!, W = q.initializers.get(wName)!, dt = n.weight!.dtype as 'int8' | 'int16';
      const axis = node.op === 'Gemm' && node.attrs.transB !== 1 ? 1 : 0, C = W.shape[axis]!, hi = quantRange(dt)[1];
      const perCh = (n.weight!.quant!.scale.length > 1);
      const s: Initializer = { name: `${wName}.fq_scale`, dtype: 'float32', shape: perCh ? [C] : [], data: new Float32Array(perCh ? C : 1) };
      const refresh = () => {
        const w = W.data as Float32Array, inner = W.shape.slice(axis + 1).reduce((a, b) => a * b, 1), sd = s.data as Float32Array;
        sd.fill(0);
        for (let i = 0; i < w.length; i++) { const c = perCh ? Math.floor(i / inner) % C : 0; sd[c] = Math.max(sd[c]!, Math.abs(w[i]!)); }
        for (let c = 0; c < sd.length; c++) sd[c] = sd[c]! > 0 ? sd[c]! / hi : 1;
      };
      refresh();
      refreshers.push(refresh);
      nodes.push(...addPair(wName, s, zpTensor(`${wName}.fq_zp`, dt, C, perCh), perCh ? axis : undefined));
      node.inputs[1] = `${wName}.fq`;
    }
    const v = m.values.get(n.output)!;
    if ((n.op === 'Conv' || n.op === 'Gemm' || n.op === 'Add' || n.op.endsWith('AveragePool')) && !outputs.has(n.output)) {
      pairs.set(n.output, addPair(n.output, { name: `${n.output}.fq_scale`, dtype: 'float32', shape: [], data: Float32Array.of(v.quant.scale[0]!) }, { ...zpTensor(`${n.output}.fq_zp`, v.dtype as 'int8' | 'int16', 1, false), data: v.dtype === 'int8' ? Int8Array.of(v.quant.zeroPoint[0]!) : Int16Array.of(v.quant.zeroPoint[0]!) }));
      rename.set(n.output, `${n.output}.fq`);
    }
  }
  const inp = m.input;
  pairs.set(inp.name, addPair(inp.name, { name: `${inp.name}.fq_scale`, dtype: 'float32', shape: [], data: Float32Array.of(inp.value.quant.scale[0]!) }, { ...zpTensor(`${inp.name}.fq_zp`, inp.value.dtype as 'int8' | 'int16', 1, false), data: inp.value.dtype === 'int8' ? Int8Array.of(inp.value.quant.zeroPoint[0]!) : Int16Array.of(inp.value.quant.zeroPoint[0]!) }));
  rename.set(inp.name, `${inp.name}.fq`);
  const out: Node[] = [...nodes, ...pairs.get(inp.name)!];
  for (const node of q.nodes) {
    node.inputs = node.inputs.map((i) => rename.get(i) ?? i);
    out.push(node);
    for (const o of node.outputs) out.push(...(pairs.get(o) ?? []));
  }
  q.nodes = out;
  q.valueInfo = new Map();
  return { graph: q, refresh: () => refreshers.forEach((r) => r()) };
}

export interface QatResult { graph: Graph; history: TrainHistory }

/**
 * Fine-tune g with fake quantization like m; returns a float graph with the fine-tuned weights.
 * Batch norm after a Conv/Gemm is folded first (as lowerToInteger does), so the fake-quantized
 * activations are the ones the integer model has; the returned graph is the folded one.
 */
export async function quantizationAwareTrain(g0: Graph, m: QModel, ds: Dataset, o: TrainOptions = {}): Promise<QatResult> {
  const g = g0.nodes.some((n) => n.op === 'BatchNormalization') ? foldBatchNorm(g0).graph : g0;
  const fq = insertFakeQuant(g, m);
  const history = await train(fq.graph, ds, { ...o, onStep: (p) => { fq.refresh(); o.onStep?.(p); } });
  const tuned = cloneGraph(g);
  for (const [k, t] of tuned.initializers) {
    const w = fq.graph.initializers.get(k);
    if (w && t.dtype === 'float32') (t.data as Float32Array).set(w.data as Float32Array);
  }
  return { graph: tuned, history };
}
