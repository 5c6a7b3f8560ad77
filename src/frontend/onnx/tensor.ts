// TensorProto <-> IR tensor: typed fields and raw_data (little-endian), external data confined to
// the model's folder, and size checks against the real bytes before anything is allocated.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { DType, Tensor } from '../../ir/types.js';
import { allocData, dtypeBytes } from '../../ir/dtype.js';
import { BwvmError } from '../../util/errors.js';
import { num, type PTensor } from './proto.js';

const FROM_CODE: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool' };
export const TO_CODE: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int16: 5, int32: 6, int64: 7, bool: 9 };
const CODE_NAMES: Record<number, string> = { 4: 'uint16', 8: 'string', 10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };

export function dtypeFromCode(code: number | undefined, where: string, file: string): DType {
  const dt = FROM_CODE[code ?? 0];
  if (dt) return dt;
  // doubles are narrowed to float32 by the caller when possible; everything else is refused
  throw new BwvmError('ONNX_DTYPE', `${file}: ${where} has element type ${CODE_NAMES[code ?? 0] ?? code} which bwvm does not support`, { hint: 'export the model with float32 weights' });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface TensorReadCtx { file: string; baseDir?: string }

/** Bytes of an external-data tensor, after confining its path to the model folder. */
function readExternal(p: PTensor, ctx: TensorReadCtx, want: number): Uint8Array {
  const kv = new Map((p.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const loc = kv.get('location') ?? '';
  const name = p.name ?? '?';
  if (!ctx.baseDir) throw new BwvmError('ONNX_EXTERNAL', `${ctx.file}: tensor '${name}' uses external data but the model was not loaded from a file`);
  const parts = loc.split(/[\\/]+/);
  if (!loc || isAbsolute(loc) || /^[a-zA-Z]:/.test(loc) || parts.includes('..')) {
    throw new BwvmError('ONNX_EXTERNAL_PATH', `${ctx.file}: tensor '${name}' external data location '${loc}' leaves the model folder`, { hint: 'external data must be a relative path inside the model folder (no "..", no absolute paths)' });
  }
  const full = normalize(join(ctx.baseDir, loc));
  const rel = relative(ctx.baseDir, full);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new BwvmError('ONNX_EXTERNAL_PATH', `${ctx.file}: tensor '${name}' external data '${loc}' leaves the model folder`);
  const offset = Number(kv.get('offset') ?? 0);
  const length = kv.has('length') ? Number(kv.get('length')) : want;
  let fd: number;
  try { fd = openSync(full, 'r'); } catch (e) { throw new BwvmError('ONNX_EXTERNAL', `${ctx.file}: cannot open external data '${loc}' for tensor '${name}'`, { cause: e }); }
  try {
    const size = fstatSync(fd).size;
    if (!(offset >= 0) || !(length >= 0) || offset + length > size || length !== want) {
      throw new BwvmError('ONNX_EXTERNAL', `${ctx.file}: tensor '${name}' external data (offset ${offset}, length ${length}) does not fit '${loc}' (${size} bytes) or the tensor (${want} bytes)`);
    }
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, offset);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally { closeSync(fd); }
}

/** Decode one TensorProto. */
export function tensorFromProto(p: PTensor, ctx: TensorReadCtx, where: string): Tensor {
  const name = p.name ?? '';
  const label = `${where}${name ? ` '${name}'` : ''}`;
  const shape = (p.dims ?? []).map(num);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new BwvmError('ONNX_BAD_DIM', `${ctx.file}: ${label} has invalid dims [${shape}]`);
  const n = shape.reduce((a, b) => a * b, 1);
  const isDouble = p.data_type === 11;
  const dtype = isDouble ? 'float32' : dtypeFromCode(p.data_type, label, ctx.file);
  const elem = isDouble ? 8 : dtypeBytes(dtype);
  const fail = (what: string, have: number) => new BwvmError('ONNX_TENSOR_SIZE', `${ctx.file}: ${label} has dims [${shape}] (${n} elements) but ${what} holds ${have}`, { hint: 'the file is truncated or corrupt' });
  let raw: Uint8Array | undefined = p.raw_data && p.raw_data.length > 0 ? p.raw_data : undefined;
  if (p.data_location === 1) raw = readExternal(p, ctx, n * elem);
  const field: unknown[] | undefined = isDouble ? p.double_data : dtype === 'float32' ? p.float_data : dtype === 'int64' ? p.int64_data : p.int32_data;
  const fieldName = isDouble ? 'double_data' : dtype === 'float32' ? 'float_data' : dtype === 'int64' ? 'int64_data' : 'int32_data';
  // the element count must match the bytes actually present before anything is allocated
  if (raw && raw.length !== n * elem) throw fail('raw_data', Math.floor(raw.length / elem));
  if (!raw && (field?.length ?? 0) !== n) throw fail(fieldName, field?.length ?? 0);
  const data = allocData(dtype, n);
  if (raw && !isDouble && LITTLE_ENDIAN) {
    // same byte order as the file: one copy
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(raw);
    return { dtype, shape, data };
  }
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      switch (isDouble ? 'double' : dtype) {
        case 'double': (data as Float32Array)[i] = dv.getFloat64(i * 8, true); break;
        case 'float32': (data as Float32Array)[i] = dv.getFloat32(i * 4, true); break;
        case 'int8': (data as Int8Array)[i] = dv.getInt8(i); break;
        case 'uint8': case 'bool': (data as Uint8Array)[i] = dv.getUint8(i); break;
        case 'int16': (data as Int16Array)[i] = dv.getInt16(i * 2, true); break;
        case 'int32': (data as Int32Array)[i] = dv.getInt32(i * 4, true); break;
        case 'int64': (data as BigInt64Array)[i] = dv.getBigInt64(i * 8, true); break;
      }
    }
    return { dtype, shape, data };
  }
  const vals = field ?? [];
  for (let i = 0; i < n; i++) {
    if (data instanceof BigInt64Array) data[i] = BigInt(num(vals[i]));
    else (data as Float32Array)[i] = num(vals[i]);
  }
  return { dtype, shape, data };
}

/** Encode an IR tensor as a TensorProto object (raw_data, little-endian). */
export function tensorToProto(name: string, t: Tensor): Record<string, unknown> {
  const n = t.data.length;
  if (LITTLE_ENDIAN) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
    return { name, dims: [...t.shape], data_type: TO_CODE[t.dtype], raw_data: raw };
  }
  const bytes = new Uint8Array(n * dtypeBytes(t.dtype));
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    switch (t.dtype) {
      case 'float32': dv.setFloat32(i * 4, (t.data as Float32Array)[i]!, true); break;
      case 'int8': dv.setInt8(i, (t.data as Int8Array)[i]!); break;
      case 'uint8': case 'bool': dv.setUint8(i, (t.data as Uint8Array)[i]!); break;
      case 'int16': dv.setInt16(i * 2, (t.data as Int16Array)[i]!, true); break;
      case 'int32': dv.setInt32(i * 4, (t.data as Int32Array)[i]!, true); break;
      case 'int64': dv.setBigInt64(i * 8, BigInt((t.data as BigInt64Array)[i]!), true); break;
    }
  }
  return { name, dims: [...t.shape], data_type: TO_CODE[t.dtype], raw_data: bytes };
}
