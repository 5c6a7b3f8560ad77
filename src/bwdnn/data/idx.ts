// IDX files (MNIST, Fashion-MNIST): parse the magic/dims header, check it against the real
// byte count before allocating, decompress .gz (by magic bytes) with node:zlib.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { BwvmError } from '../../util/errors.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
export interface IdxArray { dims: number[]; data: IdxData }

const TYPES: Record<number, { name: string; size: number; read: (v: DataView, off: number, n: number) => IdxData }> = {
  0x08: { name: 'ubyte', size: 1, read: (v, o, n) => new Uint8Array(v.buffer.slice(v.byteOffset + o, v.byteOffset + o + n)) },
  0x09: { name: 'sbyte', size: 1, read: (v, o, n) => new Int8Array(v.buffer.slice(v.byteOffset + o, v.byteOffset + o + n)) },
  0x0b: { name: 'short', size: 2, read: (v, o, n) => Int16Array.from({ length: n }, (_, i) => v.getInt16(o + 2 * i)) },
  0x0c: { name: 'int', size: 4, read: (v, o, n) => Int32Array.from({ length: n }, (_, i) => v.getInt32(o + 4 * i)) },
  0x0d: { name: 'float', size: 4, read: (v, o, n) => Float32Array.from({ length: n }, (_, i) => v.getFloat32(o + 4 * i)) },
  0x0e: { name: 'double', size: 8, read: (v, o, n) => Float64Array.from({ length: n }, (_, i) => v.getFloat64(o + 8 * i)) },
};

/** Largest decompressed IDX file accepted (guards against decompression bombs). */
export const MAX_IDX_BYTES = 1 << 30;

export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4 || view.getUint16(0) !== 0) {
    throw new BwvmError('bwdnn.idx-magic', `${source} is not an IDX file (bad magic number)`, { hint: 'expected the MNIST IDX format: 0x00 0x00 <type> <ndims>' });
  }
  const type = TYPES[view.getUint8(2)];
  if (!type) throw new BwvmError('bwdnn.idx-type', `${source}: unknown IDX element type 0x${view.getUint8(2).toString(16)}`);
  const ndims = view.getUint8(3);
  const header = 4 + 4 * ndims;
  if (ndims === 0 || bytes.byteLength < header) {
    throw new BwvmError('bwdnn.idx-header', `${source}: IDX header claims ${ndims} dimensions but the file has ${bytes.byteLength} bytes`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const need = count * type.size;
  const have = bytes.byteLength - header;
  if (need !== have) {
    throw new BwvmError('bwdnn.idx-size', `${source}: IDX header claims dims [${dims.join(', ')}] (${need} bytes of ${type.name}) but the file holds ${have} bytes after the header`, {
      hint: need > have ? 'the file is truncated or corrupt: fetch it again' : 'the file has trailing bytes: is it the right file?',
      details: { dims, need, have },
    });
  }
  return { dims, data: type.read(view, header, count) };
}

/** Reads an IDX file, gzip-compressed or raw (told apart by the gzip magic bytes). */
export function readIdxFile(path: string, hint?: string): IdxArray {
  if (!existsSync(path)) throw new BwvmError('bwdnn.data-missing', `dataset file not found: ${path}`, { hint: hint ?? 'check the path' });
  let bytes: Uint8Array = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES });
    } catch (e) {
      throw new BwvmError('bwdnn.idx-gzip', `${path}: cannot decompress (${(e as Error).message})`, { hint: 'the .gz file is corrupt or too large', cause: e });
    }
  }
  return parseIdx(bytes, path);
}

/** Serializes an unsigned-byte IDX array (used to build fixtures and synthetic test files). */
export function encodeIdxU8(dims: number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const v = new DataView(out.buffer);
  v.setUint8(2, 0x08);
  v.setUint8(3, dims.length);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  out.set(data, header);
  return out;
}
