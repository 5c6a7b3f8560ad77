// Reads the bwvm native format with strict validation: format/version, names, dtypes, shapes,
// every tensor's offset/length inside the weights file and equal to shape x dtype size, the
// weights file confined to the JSON's folder; then the graph verifier and shape inference.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AttrValue, Graph, QuantParams, Tensor, TensorInfo } from '../../ir/types.js';
import { createGraph } from '../../ir/graph.js';
import { dtypeBytes, isDType, allocData } from '../../ir/dtype.js';
import { inferShapes } from '../../ir/infer.js';
import { assertValid } from '../../ir/verify.js';
import { BwvmError, isBwvmError } from '../../util/errors.js';
import { NATIVE_FORMAT, NATIVE_VERSION, decodeNum, type NativeModel, type TensorRef } from './format.js';

/** True when the first bytes look like a native model JSON. */
export function sniffNative(head: Uint8Array): boolean {
  const s = Buffer.from(head.subarray(0, 256)).toString('utf8');
  return /^\s*\{\s*"format"\s*:\s*"bwvm-model"/.test(s);
}

export function loadNative(path: string): Graph {
  const bad = (msg: string, hint?: string): never => { throw new BwvmError('NATIVE_FORMAT', `${path}: ${msg}`, hint ? { hint } : {}); };
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new BwvmError('NATIVE_READ', `cannot read '${path}': ${(e as Error).message}`, { cause: e }); }
  let m: NativeModel;
  try { m = JSON.parse(text) as NativeModel; } catch (e) { throw new BwvmError('NATIVE_FORMAT', `${path}: not valid JSON (${(e as Error).message})`, { cause: e }); }
  if (!m || typeof m !== 'object' || m.format !== NATIVE_FORMAT) bad(`not a bwvm model (format is ${JSON.stringify((m as { format?: unknown })?.format)})`);
  if (m.version !== NATIVE_VERSION) bad(`format version ${m.version} is not supported (expected ${NATIVE_VERSION})`, 'upgrade bwvm or re-save the model');
  for (const k of ['inputs', 'outputs', 'initializers', 'nodes'] as const) if (!Array.isArray(m[k])) bad(`field '${k}' must be an array`);
  if (!Number.isInteger(m.opset)) bad("field 'opset' must be an integer");
  const wf = m.weights?.file;
  if (typeof wf !== 'string' || wf !== basename(wf) || wf === '..' || wf === '.' || wf.includes('/') || wf.includes('\\')) bad(`weights file '${String(wf)}' must be a bare file name next to the model`);
  const wpath = join(dirname(path), wf);
  let size: number;
  try { size = statSync(wpath).size; } catch { return bad(`weights file '${wf}' is missing`); }
  if (size !== m.weights.bytes) bad(`weights file '${wf}' has ${size} bytes, the model expects ${m.weights.bytes}`, 'the weights file is truncated or belongs to another save');
  const bin = readFileSync(wpath);

  const tensor = (r: TensorRef, what: string): Tensor => {
    if (!r || typeof r !== 'object') bad(`${what}: missing tensor record`);
    if (!isDType(r.dtype)) bad(`${what}: unknown dtype '${String(r.dtype)}'`);
    if (!Array.isArray(r.shape) || r.shape.some((d) => !Number.isInteger(d) || d < 0)) bad(`${what}: invalid shape ${JSON.stringify(r.shape)}`);
    const n = r.shape.reduce((a, b) => a * b, 1);
    const want = n * dtypeBytes(r.dtype);
    if (!Number.isInteger(r.offset) || !Number.isInteger(r.length) || r.offset < 0 || r.length < 0) bad(`${what}: invalid offset/length`);
    if (r.length !== want) bad(`${what}: length ${r.length} != ${n} elements x ${dtypeBytes(r.dtype)} bytes`);
    if (r.offset + r.length > bin.length) bad(`${what}: bytes ${r.offset}..${r.offset + r.length} lie outside the weights file (${bin.length} bytes)`);
    const data = allocData(r.dtype, n);
    new Uint8Array(data.buffer).set(bin.subarray(r.offset, r.offset + r.length));
    return { dtype: r.dtype, shape: [...r.shape], data, ...(r.quant ? { quant: checkQuant(r.quant, what, bad) } : {}) };
  };
  const info = (i: TensorInfo, what: string): TensorInfo => {
    if (typeof i?.name !== 'string' || !i.name) bad(`${what}: missing name`);
    if (!isDType(i.dtype)) bad(`${what} '${i.name}': unknown dtype '${String(i.dtype)}'`);
    if (!Array.isArray(i.shape) || i.shape.some((d) => !(typeof d === 'string' || (Number.isInteger(d) && d > 0)))) bad(`${what} '${i.name}': invalid shape ${JSON.stringify(i.shape)}`);
    return { name: i.name, dtype: i.dtype, shape: [...i.shape], ...(i.quant ? { quant: checkQuant(i.quant, what, bad) } : {}) };
  };
  const attr = (v: unknown, what: string): AttrValue => {
    if (typeof v === 'string') return v;
    const num = decodeNum(v);
    if (num !== undefined) return num;
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) return v as string[];
      return v.map((x) => decodeNum(x) ?? bad(`${what}: invalid list element ${JSON.stringify(x)}`));
    }
    if (v && typeof v === 'object' && '$tensor' in v) return tensor((v as { $tensor: TensorRef }).$tensor, what);
    return bad(`${what}: invalid attribute value ${JSON.stringify(v)}`);
  };

  const g = createGraph({ name: String(m.name ?? basename(path)), opset: m.opset });
  g.meta = { ...(m.meta ?? {}), source: path, format: 'bwvm' };
  g.inputs = m.inputs.map((i, k) => info(i, `input #${k}`));
  g.outputs = m.outputs.map((o, k) => info(o, `output #${k}`));
  for (const [k, r] of m.initializers.entries()) {
    if (typeof r?.name !== 'string' || !r.name) bad(`initializer #${k}: missing name`);
    if (g.initializers.has(r.name)) bad(`initializer '${r.name}' appears twice`);
    g.initializers.set(r.name, { name: r.name, ...tensor(r, `initializer '${r.name}'`) });
  }
  g.nodes = m.nodes.map((n, k) => {
    if (typeof n?.name !== 'string' || typeof n.op !== 'string' || !Array.isArray(n.inputs) || !Array.isArray(n.outputs)) bad(`node #${k}: needs name, op, inputs and outputs`);
    if (![...n.inputs, ...n.outputs].every((s) => typeof s === 'string')) bad(`node '${n.name}': input/output names must be strings`);
    const attrs = Object.fromEntries(Object.entries(n.attrs ?? {}).map(([a, v]) => [a, attr(v, `node '${n.name}' attribute '${a}'`)]));
    return { name: n.name, op: n.op, inputs: [...n.inputs], outputs: [...n.outputs], attrs };
  });
  try {
    assertValid(g);
    inferShapes(g);
  } catch (e) {
    if (isBwvmError(e)) throw new BwvmError(e.code, `${path}: ${e.message}`, { cause: e, ...(e.details ? { details: e.details } : {}) });
    throw e;
  }
  for (const [k, q] of Object.entries(m.quant ?? {})) {
    const v = g.valueInfo.get(k);
    if (v) v.quant = checkQuant(q, `quant '${k}'`, bad);
  }
  return g;
}

function checkQuant(q: QuantParams, what: string, bad: (m: string) => never): QuantParams {
  const okList = (l: unknown) => Array.isArray(l) && l.length > 0 && l.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!okList(q.scale) || !okList(q.zeroPoint) || q.scale.length !== q.zeroPoint.length) bad(`${what}: invalid quantization params`);
  if (q.axis !== undefined && !Number.isInteger(q.axis)) bad(`${what}: quantization axis must be an integer`);
  return { scale: [...q.scale], zeroPoint: [...q.zeroPoint], ...(q.axis !== undefined ? { axis: q.axis } : {}) };
}
