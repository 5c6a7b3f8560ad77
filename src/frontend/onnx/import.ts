// ONNX importer: ModelProto bytes/file -> IR Graph. Checks opset, domains and ops against the op
// table, decodes initializers and attributes, folds shape plumbing, infers shapes; every error
// names the file (and node / field).
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { basename, dirname, resolve } from 'node:path';
import type { AttrValue, Attrs, Dim, Graph, Node, TensorInfo } from '../../ir/types.js';
import { createGraph } from '../../ir/graph.js';
import { OPS, getOp } from '../../ir/ops/index.js';
import { foldConstants } from '../../ir/infer.js';
import { BwvmError, isBwvmError } from '../../util/errors.js';
import { ATTR, ModelProto, num, type PAttr, type PModel, type PNode, type PValueInfo } from './proto.js';
import { dtypeFromCode, tensorFromProto, type TensorReadCtx } from './tensor.js';
import { expandQLinear } from './import-quant.js';

export const MIN_OPSET = 7;
export const MAX_OPSET = 18;

export interface OnnxImportOptions {
  /** Override dims of graph inputs, by input name (e.g. bind the batch to 1). */
  inputShapes?: Record<string, Dim[]>;
}

export function importOnnxFile(path: string, opts: OnnxImportOptions = {}): Graph {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) {
    throw new BwvmError('ONNX_READ', `cannot read ONNX file '${path}': ${(e as Error).message}`, { cause: e });
  }
  return importOnnx(bytes, { ...opts, file: path, baseDir: dirname(resolve(path)) });
}

export function decodeModel(bytes: Uint8Array, file: string): PModel {
  if (bytes.length === 0) throw new BwvmError('ONNX_DECODE', `${file}: empty file`, { hint: 'the file is not an ONNX model' });
  let msg: unknown;
  const reader = protobuf.Reader.create(bytes);
  try { msg = ModelProto.decode(reader); } catch (e) {
    const m = (e as Error).message;
    // nested messages share the reader, so its position is where decoding stopped
    const offset = reader.pos;
    throw new BwvmError('ONNX_DECODE', `${file}: not a valid ONNX protobuf (${m}; at byte ${offset} of ${bytes.length})`, { hint: 'the file is truncated, corrupt, or not an ONNX model', cause: e, details: { offset } });
  }
  const model = msg as PModel;
  if (!model.graph) throw new BwvmError('ONNX_DECODE', `${file}: ModelProto has no graph (field 7)`, { hint: 'the file is not an ONNX model' });
  return model;
}

function infoFromProto(v: PValueInfo, file: string, what: string): TensorInfo {
  const name = v.name ?? '';
  const tt = v.type?.tensor_type;
  if (!tt) throw new BwvmError('ONNX_TYPE', `${file}: ${what} '${name}' is not a tensor`);
  const dims = tt.shape?.dim ?? [];
  const shape: Dim[] = dims.map((d, i) => {
    if (d.dim_param) return d.dim_param;
    if (d.dim_value === undefined || d.dim_value === null) return i === 0 ? 'N' : `?${i}`;
    const n = num(d.dim_value);
    if (!Number.isInteger(n) || n <= 0) throw new BwvmError('ONNX_BAD_DIM', `${file}: ${what} '${name}' has dim ${i} = ${n}`, { hint: 'dims must be positive (or symbolic)' });
    return n;
  });
  return { name, dtype: dtypeFromCode(tt.elem_type, `${what} '${name}'`, file), shape };
}

function attrFromProto(a: PAttr, ctx: TensorReadCtx, node: string): AttrValue {
  const dec = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const where = `attribute '${a.name}' of node '${node}'`;
  switch (a.type) {
    case ATTR.FLOAT: return a.f ?? 0;
    case ATTR.INT: return num(a.i);
    case ATTR.STRING: return dec(a.s ?? new Uint8Array());
    case ATTR.TENSOR: return tensorFromProto(a.t ?? {}, ctx, where);
    case ATTR.FLOATS: return [...(a.floats ?? [])];
    case ATTR.INTS: return (a.ints ?? []).map(num);
    case ATTR.STRINGS: return (a.strings ?? []).map(dec);
    default:
      throw new BwvmError('ONNX_ATTR', `${ctx.file}: ${where} has type ${a.type} (graphs/sparse/type protos are not supported)`);
  }
}

/** Import ONNX bytes. `file` names the source in errors; `baseDir` allows confined external data. */
export function importOnnx(bytes: Uint8Array, opts: OnnxImportOptions & { file?: string; baseDir?: string } = {}): Graph {
  const file = opts.file ?? '<bytes>';
  const model = decodeModel(bytes, file);
  const pg = model.graph!;
  const def = (model.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = def ? num(def.version) : 1;
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new BwvmError('ONNX_OPSET', `${file}: opset ${opset} is outside the supported range ${MIN_OPSET}..${MAX_OPSET}`, { hint: 're-export with torch.onnx.export(..., opset_version=13)' });
  }
  const tctx: TensorReadCtx = { file, ...(opts.baseDir ? { baseDir: opts.baseDir } : {}) };
  const g = createGraph({ name: pg.name || basename(file).replace(/\.onnx$/, '') || 'model', opset });
  g.meta = { source: file, format: 'onnx', producer: `${model.producer_name ?? ''} ${model.producer_version ?? ''}`.trim(), opset: String(opset) };

  for (const [i, t] of (pg.initializer ?? []).entries()) {
    if (!t.name) throw new BwvmError('ONNX_TENSOR', `${file}: initializer #${i} has no name`);
    const w = tensorFromProto(t, tctx, 'initializer');
    if (w.data instanceof Float32Array) {
      const at = w.data.findIndex(Number.isNaN); // infinities stay allowed (masks, clip bounds)
      if (at >= 0) throw new BwvmError('FRONTEND_NONFINITE_WEIGHT', `${file}: initializer '${t.name}' holds NaN at element ${at}`, { hint: 'the model diverged or the file is damaged; re-train or re-export it' });
    }
    g.initializers.set(t.name, { name: t.name, ...w });
  }
  for (const v of pg.input ?? []) {
    if (g.initializers.has(v.name ?? '')) continue; // old exporters list weights as inputs too
    const info = infoFromProto(v, file, 'graph input');
    const o = opts.inputShapes?.[info.name];
    if (o) {
      if (o.length !== info.shape.length) throw new BwvmError('ONNX_INPUT_SHAPE', `${file}: --input-shape for '${info.name}' has rank ${o.length}, model input has rank ${info.shape.length}`);
      info.shape = [...o];
    }
    g.inputs.push(info);
  }
  g.outputs = (pg.output ?? []).map((v) => {
    const info = infoFromProto({ ...v, type: v.type?.tensor_type ? v.type : { tensor_type: { elem_type: 1 } } }, file, 'graph output');
    return info;
  });

  const used = new Set<string>();
  g.nodes = expandQLinear(pg.node ?? [], g, file).map((pn: PNode, i) => {
    const op = pn.op_type ?? '';
    let name = pn.name || `${op}_${i}`;
    while (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    if (pn.domain && pn.domain !== 'ai.onnx') throw new BwvmError('ONNX_UNSUPPORTED_OP', `${file}: node '${name}' uses op '${pn.domain}::${op}' from a custom domain`, { hint: 'only the default ONNX domain is supported' });
    const row = getOp(op);
    if (!row) throw new BwvmError('ONNX_UNSUPPORTED_OP', `${file}: node '${name}' has op '${op}', which bwvm does not support`, { hint: `replace the layer or re-export; supported ops: ${[...OPS.keys()].sort().join(', ')}`, details: { node: name, op } });
    const attrs: Attrs = {};
    for (const a of pn.attribute ?? []) {
      if (!a.name) throw new BwvmError('ONNX_ATTR', `${file}: node '${name}' has an attribute without a name`);
      if (a.ref_attr_name) throw new BwvmError('ONNX_ATTR', `${file}: node '${name}' attribute '${a.name}' references a function attribute`);
      attrs[a.name] = attrFromProto(a, tctx, name);
    }
    const node: Node = { name, op, inputs: [...(pn.input ?? [])], outputs: [...(pn.output ?? [])], attrs };
    return node;
  });

  checkProduced(g, file);
  try {
    foldConstants(g);
  } catch (e) {
    if (isBwvmError(e)) throw new BwvmError(e.code, `${file}: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}), cause: e, ...(e.details ? { details: e.details } : {}) });
    throw e;
  }
  return g;
}

/** Every node input must come from a graph input, an initializer or an earlier-declared node output. */
function checkProduced(g: Graph, file: string): void {
  const known = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.keys()]);
  for (const n of g.nodes) for (const o of n.outputs) if (o) {
    if (known.has(o)) throw new BwvmError('ONNX_DUPLICATE', `${file}: value '${o}' is produced twice (again by node '${n.name}')`);
    known.add(o);
  }
  for (const n of g.nodes) for (const i of n.inputs) if (i && !known.has(i)) {
    throw new BwvmError('ONNX_MISSING_INPUT', `${file}: node '${n.name}' (${n.op}) reads '${i}', which no node, graph input or initializer provides`, { hint: 'a weight (initializer) is missing from the file' });
  }
  for (const o of g.outputs) if (!known.has(o.name)) throw new BwvmError('ONNX_MISSING_OUTPUT', `${file}: graph output '${o.name}' is not produced`);
}
