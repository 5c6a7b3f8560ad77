// The QDQ graph of an integer model, for ONNX export: every quantized activation becomes
// QuantizeLinear -> DequantizeLinear around float ops, weights are int8/int16 initializers with
// (per-channel) DequantizeLinear, 8-bit biases int32 with scale s_x * s_w. Runtimes such as
// onnxruntime fuse these into integer kernels (QLinearConv ...). 16-bit models use opset 21.
// Add (qdq-add.ts) and 16-bit Conv / Gemm / GlobalAveragePool (qdq-int.ts) are exported as int64
// integer subgraphs computing exactly what the fixed-point reference computes.
import type { Graph, Initializer, Node, Tensor } from '../../ir/types.js';
import { createGraph } from '../../ir/graph.js';
import { inferShapes } from '../../ir/infer.js';
import type { QModel, QNode, QValue } from '../../bwdnn/quant/model.js';
import { integerConv, integerGemm, integerGlobalAvg, integerQuantizeInput } from './qdq-int.js';
import { integerAdd } from './qdq-add.js';

const scalar = (name: string, dtype: Tensor['dtype'], v: number): Initializer =>
  ({ name, dtype, shape: [], data: dtype === 'float32' ? Float32Array.of(v) : dtype === 'int8' ? Int8Array.of(v) : dtype === 'uint8' ? Uint8Array.of(v) : dtype === 'int16' ? Int16Array.of(v) : Int32Array.of(v) });

/** 16-bit layers exported as exact integer subgraphs (qdq-int.ts). */
const integerForm = (n: QNode, out: QValue): boolean =>
  ((n.op === 'Conv' || n.op === 'Gemm') && n.weight?.dtype === 'int16') || (n.op === 'GlobalAveragePool' && out.dtype === 'int16');

export function toQdqGraph(m: QModel): Graph {
  const plain = build(m);
  if (!m.nodes.some((n) => integerForm(n, m.values.get(n.output)!))) return plain;
  // the integer subgraphs need the static shapes of their inputs: those of the plain QDQ graph
  const shapes = new Map<string, number[]>();
  for (const [v, info] of plain.valueInfo) if (v.endsWith('_dq') && info.shape.slice(1).every((d) => typeof d === 'number')) shapes.set(v.slice(0, -3), info.shape as number[]);
  return build(m, shapes);
}

function build(m: QModel, shapes?: Map<string, number[]>): Graph {
  const g = createGraph({ name: `${m.name}-qdq`, opset: m.bits === 16 ? 21 : 13 });
  g.meta = { source: m.name, format: 'qdq' };
  const nodes: Node[] = [];
  const init = (t: Initializer) => { g.initializers.set(t.name, t); return t.name; };
  const dq = (v: string) => (v === m.output.value ? m.output.name : `${v}_dq`);
  /** QuantizeLinear of floatIn (none when the integer `${v}_q` is computed directly) and its DequantizeLinear. */
  const qdq = (floatIn: string | undefined, v: string, info: QValue) => {
    const s = init(scalar(`${v}_scale`, 'float32', info.quant.scale[0]!)), z = init(scalar(`${v}_zp`, info.dtype, info.quant.zeroPoint[0]!));
    if (floatIn !== undefined) nodes.push({ name: `${v}_Q`, op: 'QuantizeLinear', inputs: [floatIn, s, z], outputs: [`${v}_q`], attrs: {} });
    nodes.push({ name: `${v}_DQ`, op: 'DequantizeLinear', inputs: [`${v}_q`, s, z], outputs: [dq(v)], attrs: {} });
  };
  /** A constant integer tensor with its DequantizeLinear; returns the float value name. */
  const constDq = (name: string, t: Tensor): string => {
    const q = t.quant!, perCh = q.scale.length > 1 || q.axis !== undefined;
    const s = init({ name: `${name}_scale`, dtype: 'float32', shape: perCh ? [q.scale.length] : [], data: Float32Array.from(q.scale) });
    const zdt = t.dtype === 'int64' ? 'int32' : t.dtype;
    const z = init({ name: `${name}_zp`, dtype: zdt, shape: perCh ? [q.scale.length] : [], data: scalarsOf(zdt, perCh ? q.scale.length : 1) });
    init({ name: `${name}_q`, dtype: t.dtype, shape: [...t.shape], data: t.data });
    nodes.push({ name: `${name}_DQ`, op: 'DequantizeLinear', inputs: [`${name}_q`, s, z], outputs: [`${name}_dq`], attrs: perCh ? { axis: 0 } : {} });
    return `${name}_dq`;
  };
  g.inputs = [{ name: m.input.name, dtype: 'float32', shape: [...m.input.shape] }];
  if (m.input.value.dtype === 'int16') {
    // int16 input: the reference's exact rounding (QuantizeLinear divides in float32)
    nodes.push(...integerQuantizeInput(m.input.name, m.input.value, `${m.input.name}_q`, init));
    qdq(undefined, m.input.name, m.input.value);
  } else qdq(m.input.name, m.input.name, m.input.value);
  for (const n of m.nodes) {
    const out = m.values.get(n.output)!;
    const fout = `${n.output}_f`;
    const ins = n.inputs.map(dq);
    const inShape = shapes?.get(n.inputs[0]!), xin = m.values.get(n.inputs[0]!)!;
    if (inShape && integerForm(n, out)) {
      const xq = `${n.inputs[0]}_q`, yq = `${n.output}_q`;
      nodes.push(...(n.op === 'Conv' ? integerConv(n, xq, xin, out, inShape, yq, init) : n.op === 'Gemm' ? integerGemm(n, xq, xin, out, yq, init) : integerGlobalAvg(n, xq, xin, out, inShape, yq, init)));
      qdq(undefined, n.output, out);
      continue;
    }
    if (n.op === 'Conv' || n.op === 'Gemm') {
      ins.push(constDq(`${n.name}.weight`, n.weight!));
      if (n.bias) {
        if (n.bias.dtype === 'int32') ins.push(constDq(`${n.name}.bias`, n.bias));
        else ins.push(init({ name: `${n.name}.bias_f`, dtype: 'float32', shape: [...n.bias.shape], data: Float32Array.from(n.bias.data as BigInt64Array, (b, i) => Number(b) * n.bias!.quant!.scale[i]!) }));
      }
      const attrs = n.op === 'Gemm' ? { alpha: 1, beta: 1, transA: 0, transB: 1 } : { ...n.attrs };
      const act = n.from.length > 1 ? `${n.name}_acc` : fout;
      nodes.push({ name: n.name, op: n.op, inputs: ins, outputs: [act], attrs });
      if (n.from.length > 1) nodes.push(clampNode(g, init, n.from[1]!, act, fout, n.clamp!, out));
    } else if (n.op === 'Add') {
      const [a, b] = n.inputs.map((v) => m.values.get(v)!) as [QValue, QValue];
      nodes.push(...integerAdd(n.name, `${n.inputs[0]}_q`, `${n.inputs[1]}_q`, a, b, out, `${n.output}_q`, init, n.clamp));
      qdq(undefined, n.output, out);
      continue;
    } else if (n.op === 'Clip') {
      nodes.push({ name: n.name, op: 'Clip', inputs: [ins[0]!, init(scalar(`${n.name}_min`, 'float32', n.attrs.min as number)), init(scalar(`${n.name}_max`, 'float32', n.attrs.max as number))], outputs: [fout], attrs: {} });
    } else if (n.op === 'Reshape') {
      nodes.push({ name: n.name, op: 'Reshape', inputs: [ins[0]!, init({ name: `${n.name}_shape`, dtype: 'int64', shape: [2], data: BigInt64Array.of(0n, -1n) })], outputs: [fout], attrs: {} });
    } else {
      nodes.push({ name: n.name, op: n.op, inputs: ins, outputs: [fout], attrs: { ...n.attrs } });
    }
    qdq(fout, n.output, out);
  }
  g.nodes = nodes;
  g.outputs = [{ name: m.output.name, dtype: 'float32', shape: [] }];
  inferShapes(g);
  g.outputs[0]!.shape = [...g.valueInfo.get(m.output.name)!.shape];
  return g;
}

function scalarsOf(dt: Tensor['dtype'], n: number): Tensor['data'] {
  return dt === 'int8' ? new Int8Array(n) : dt === 'uint8' ? new Uint8Array(n) : dt === 'int16' ? new Int16Array(n) : new Int32Array(n);
}

/** The folded activation as a float node: Relu when the clamp is [zp, top], else Clip. */
function clampNode(_g: Graph, init: (t: Initializer) => string, name: string, x: string, y: string, clamp: [number, number], out: QValue): Node {
  const s = out.quant.scale[0]!, z = out.quant.zeroPoint[0]!;
  if (clamp[0] === z && !Number.isFinite(clamp[1])) return { name, op: 'Relu', inputs: [x], outputs: [y], attrs: {} };
  const lo = Number.isFinite(clamp[0]) ? (clamp[0] - z) * s : -3.4e38, hi = Number.isFinite(clamp[1]) ? (clamp[1] - z) * s : 3.4e38;
  return { name, op: 'Clip', inputs: [x, init(scalar(`${name}_min`, 'float32', lo)), init(scalar(`${name}_max`, 'float32', hi))], outputs: [y], attrs: {} };
}
