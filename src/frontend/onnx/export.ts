// ONNX exporter: IR Graph -> ModelProto bytes (raw_data initializers, attribute kinds from the op
// table's schemas), loadable by onnxruntime.
import type { AttrValue, Graph, Tensor, TensorInfo } from '../../ir/types.js';
import { getOp } from '../../ir/ops/index.js';
import { BwvmError } from '../../util/errors.js';
import { ATTR, ModelProto } from './proto.js';
import { TO_CODE, tensorToProto } from './tensor.js';

/** IR version that matches an opset (ONNX versioning table). */
export function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 9) return 4;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}

function valueInfo(t: TensorInfo): Record<string, unknown> {
  return {
    name: t.name,
    type: { tensor_type: { elem_type: TO_CODE[t.dtype], shape: { dim: t.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  };
}

function attrToProto(name: string, v: AttrValue, kind: string | undefined, where: string): Record<string, unknown> {
  const isTensor = (x: AttrValue): x is Tensor => typeof x === 'object' && !Array.isArray(x);
  if (isTensor(v)) return { name, type: ATTR.TENSOR, t: tensorToProto('', v) };
  if (typeof v === 'string') return { name, type: ATTR.STRING, s: Buffer.from(v, 'utf8') };
  if (typeof v === 'number') {
    const asInt = kind ? kind === 'int' : Number.isInteger(v);
    return asInt ? { name, type: ATTR.INT, i: v } : { name, type: ATTR.FLOAT, f: v };
  }
  if (Array.isArray(v)) {
    if (v.some((x) => typeof x === 'string')) return { name, type: ATTR.STRINGS, strings: (v as string[]).map((s) => Buffer.from(s, 'utf8')) };
    const asInts = kind ? kind === 'ints' : (v as number[]).every(Number.isInteger);
    return asInts ? { name, type: ATTR.INTS, ints: v } : { name, type: ATTR.FLOATS, floats: v };
  }
  throw new BwvmError('ONNX_EXPORT', `${where}: attribute '${name}' has an unsupported value`);
}

export interface OnnxExportOptions { producer?: string }

export function exportOnnx(g: Graph, opts: OnnxExportOptions = {}): Uint8Array {
  const nodes = g.nodes.map((n) => {
    const row = getOp(n.op);
    return {
      name: n.name, op_type: n.op, input: n.inputs, output: n.outputs, domain: '',
      attribute: Object.entries(n.attrs).map(([k, v]) => attrToProto(k, v, row?.attrs[k]?.type, `node '${n.name}'`)),
    };
  });
  const vis = [...g.valueInfo.values()].filter((v) => !g.outputs.some((o) => o.name === v.name));
  const model = {
    ir_version: irVersionFor(g.opset),
    producer_name: opts.producer ?? 'bwvm',
    producer_version: '0.1.0',
    opset_import: [{ domain: '', version: g.opset }],
    graph: {
      name: g.name,
      node: nodes,
      initializer: [...g.initializers.values()].map((t) => tensorToProto(t.name, t)),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
      value_info: vis.map(valueInfo),
    },
  };
  const err = ModelProto.verify(model);
  if (err) throw new BwvmError('ONNX_EXPORT', `graph '${g.name}': cannot encode ModelProto (${err})`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
