// Writes a graph in the bwvm native format (JSON + one weights file). The weights file name
// carries a hash of its bytes; it is written (temp + rename) before the JSON, which is then
// renamed into place, and only then is the previous save's weights file removed. A crash at any
// point leaves either the old pair or the new pair complete (safe for training checkpoints).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { AttrValue, Graph, Tensor } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import { ALIGN, NATIVE_FORMAT, NATIVE_VERSION, WEIGHTS_SUFFIX, encodeNum, type NativeAttr, type NativeModel, type TensorRef } from './format.js';

class Packer {
  chunks: Uint8Array[] = [];
  size = 0;
  add(t: Tensor): TensorRef {
    const pad = (ALIGN - (this.size % ALIGN)) % ALIGN;
    if (pad) { this.chunks.push(new Uint8Array(pad)); this.size += pad; }
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
    if (!littleEndian()) throw new BwvmError('NATIVE_ENDIAN', 'bwvm native files are little-endian; this host is big-endian');
    const ref: TensorRef = { dtype: t.dtype, shape: [...t.shape], offset: this.size, length: bytes.length, ...(t.quant ? { quant: t.quant } : {}) };
    this.chunks.push(bytes);
    this.size += bytes.length;
    return ref;
  }
}

const littleEndian = () => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function attrOut(v: AttrValue, pack: Packer): NativeAttr {
  if (typeof v === 'number') return encodeNum(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return (v as (number | string)[]).map((x) => (typeof x === 'number' ? encodeNum(x) : x)) as NativeAttr;
  return { $tensor: pack.add(v) };
}

/** Write `data` to `path` atomically (temp file in the same folder, fsync, rename). */
export function writeFileAtomic(path: string, chunks: Uint8Array[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    const fd = openSync(tmp, 'w');
    try { for (const c of chunks) writeSync(fd, c); fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BwvmError('NATIVE_WRITE', `cannot write '${path}': ${(e as Error).message}`, { cause: e });
  }
}

/** Save `g` as PATH (JSON) + PATH.bin (weights). Returns the two paths. */
export function saveNative(g: Graph, path: string): { json: string; weights: string } {
  const pack = new Packer();
  const initializers = [...g.initializers.values()].map((t) => ({ name: t.name, ...pack.add(t) }));
  const nodes = g.nodes.map((n) => ({
    name: n.name, op: n.op, inputs: [...n.inputs], outputs: [...n.outputs],
    attrs: Object.fromEntries(Object.entries(n.attrs).map(([k, v]) => [k, attrOut(v, pack)])),
  }));
  const quant = Object.fromEntries([...g.valueInfo.values()].filter((v) => v.quant).map((v) => [v.name, v.quant!]));
  const hash = createHash('sha256');
  for (const c of pack.chunks) hash.update(c);
  const weightsPath = `${path}.${hash.digest('hex').slice(0, 12)}${WEIGHTS_SUFFIX}`;
  const previous = previousWeights(path);
  const model: NativeModel = {
    format: NATIVE_FORMAT, version: NATIVE_VERSION, name: g.name, opset: g.opset, meta: { ...g.meta },
    inputs: g.inputs.map((i) => ({ ...i })), outputs: g.outputs.map((o) => ({ ...o })),
    ...(Object.keys(quant).length ? { quant } : {}),
    initializers, nodes,
    weights: { file: basename(weightsPath), bytes: pack.size },
  };
  writeFileAtomic(weightsPath, pack.chunks);
  writeFileAtomic(path, [Buffer.from(JSON.stringify(model, null, 1) + '\n', 'utf8')]);
  if (previous && previous !== weightsPath) rmSync(previous, { force: true });
  return { json: path, weights: weightsPath };
}

/** The weights file an existing save at `path` points to (undefined when there is none). */
function previousWeights(path: string): string | undefined {
  try {
    const old = JSON.parse(readFileSync(path, 'utf8')) as Partial<NativeModel>;
    const f = old.format === NATIVE_FORMAT ? old.weights?.file : undefined;
    return typeof f === 'string' && f === basename(f) && f.startsWith(basename(path)) ? join(dirname(path), f) : undefined;
  } catch {
    return undefined;
  }
}
