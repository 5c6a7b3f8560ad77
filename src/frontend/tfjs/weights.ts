// TF.js weight manifests: shard paths confined to the model folder (no '..', absolute paths,
// URLs or symlinks leading out), shard sizes checked against the manifest before reading, and
// weights decoded (float32/int32, uint8/uint16/float16-quantized floats dequantized).
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { DType, Tensor } from '../../ir/index.js';
import { BwvmError } from '../../util/errors.js';

interface Spec { name: string; shape: number[]; dtype: string; quant?: { dtype: string; scale: number; min: number } }

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function refuse(file: string, p: string, why: string): never {
  throw new BwvmError('TFJS_PATH_REFUSED', `${file}: weight shard path '${p}' ${why}; shards must be files inside the model folder`, { hint: 'the manifest is damaged or hostile; re-convert the model' });
}

/** Resolve a manifest path inside `dir`, refusing anything that could leave it. Reads nothing. */
export function confinedPath(dir: string, p: unknown, file: string): string {
  if (typeof p !== 'string' || p === '') return refuse(file, String(p), 'is not a file name');
  let d: string;
  try { d = decodeURIComponent(p); } catch { return refuse(file, p, 'is not a valid URL path'); }
  if (isAbsolute(d) || d.startsWith('/') || d.startsWith('\\') || /^[a-zA-Z]:/.test(d)) refuse(file, p, 'is absolute');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(d)) refuse(file, p, 'is a URL');
  if (d.split(/[\\/]/).includes('..')) refuse(file, p, "climbs out with '..'");
  if (d.includes('\0')) refuse(file, p, 'contains a NUL byte');
  const full = resolve(dir, d);
  const rel = relative(resolve(dir), full);
  if (rel.startsWith('..') || isAbsolute(rel)) refuse(file, p, 'resolves outside the model folder');
  return full;
}

/** Symlinks inside the folder must not lead outside it (checked before reading). */
function checkReal(dir: string, full: string, p: string, file: string): void {
  let real: string, realDir: string;
  try { real = realpathSync(full); realDir = realpathSync(dir); } catch {
    throw new BwvmError('TFJS_SHARD_MISSING', `${file}: weight shard '${p}' does not exist`, { hint: 'copy every group*-shard*.bin file next to model.json' });
  }
  if (real !== realDir && !real.startsWith(realDir + sep)) refuse(file, p, 'is a link to a file outside the model folder');
}

function specOf(w: unknown, file: string): Spec {
  if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') {
    throw new BwvmError('TFJS_FORMAT', `${file}: malformed weight entry ${JSON.stringify(w)?.slice(0, 100)}`);
  }
  if (!w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new BwvmError('TFJS_BAD_DIM', `${file}: weight '${w.name}' has invalid shape ${JSON.stringify(w.shape)}`, { hint: 'dims must be non-negative integers' });
  }
  const spec: Spec = { name: w.name, shape: w.shape as number[], dtype: w.dtype };
  if (w.quantization !== undefined) {
    const q = w.quantization;
    if (!isObj(q) || typeof q.dtype !== 'string') throw new BwvmError('TFJS_FORMAT', `${file}: weight '${w.name}' has a malformed quantization entry`);
    const ok = (q.dtype === 'uint8' || q.dtype === 'uint16') ? typeof q.scale === 'number' && typeof q.min === 'number' : q.dtype === 'float16';
    if (!ok || w.dtype !== 'float32') {
      throw new BwvmError('TFJS_DTYPE', `${file}: weight '${w.name}' uses ${q.dtype} quantization of ${w.dtype}, which is not supported`, { hint: 'supported: float32 weights, optionally uint8/uint16 (scale+min) or float16 quantized' });
    }
    spec.quant = { dtype: q.dtype, scale: (q.scale as number) ?? 1, min: (q.min as number) ?? 0 };
  } else if (w.dtype !== 'float32' && w.dtype !== 'int32') {
    throw new BwvmError('TFJS_DTYPE', `${file}: weight '${w.name}' has dtype '${w.dtype}'; only float32 (and int32 constants) are supported`, { hint: 're-convert the model without quantization or with uint8/uint16/float16 quantization' });
  }
  return spec;
}

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const byteLen = (s: Spec) => numel(s.shape) * BYTES[s.quant ? s.quant.dtype : s.dtype]!;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decode(s: Spec, bytes: Buffer): Tensor {
  const n = numel(s.shape);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (s.dtype === 'int32') {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = dv.getInt32(4 * i, true);
    return { dtype: 'int32' as DType, shape: [...s.shape], data };
  }
  const data = new Float32Array(n);
  const q = s.quant;
  if (!q) for (let i = 0; i < n; i++) data[i] = dv.getFloat32(4 * i, true);
  else if (q.dtype === 'uint8') for (let i = 0; i < n; i++) data[i] = dv.getUint8(i) * q.scale + q.min;
  else if (q.dtype === 'uint16') for (let i = 0; i < n; i++) data[i] = dv.getUint16(2 * i, true) * q.scale + q.min;
  else for (let i = 0; i < n; i++) data[i] = halfToFloat(dv.getUint16(2 * i, true));
  return { dtype: 'float32', shape: [...s.shape], data };
}

/** All weights of the manifest by name. Every check runs before the first shard is read. */
export function readWeights(manifest: unknown, dir: string, file: string): Map<string, Tensor> {
  if (manifest === undefined) return new Map();
  if (!Array.isArray(manifest)) throw new BwvmError('TFJS_FORMAT', `${file}: weightsManifest is not a list`);
  const groups = manifest.map((g, gi) => {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new BwvmError('TFJS_FORMAT', `${file}: weightsManifest group ${gi} lacks paths/weights`);
    const paths = g.paths.map((p) => ({ p: String(p), full: confinedPath(dir, p, file) }));
    return { paths, specs: g.weights.map((w) => specOf(w, file)) };
  });
  for (const g of groups) {
    for (const { p, full } of g.paths) checkReal(dir, full, p, file);
    const sizes = g.paths.map(({ p, full }) => {
      const st = statSync(full);
      if (!st.isFile()) refuse(file, p, 'is not a regular file');
      return st.size;
    });
    const have = sizes.reduce((a, b) => a + b, 0);
    const want = g.specs.reduce((a, s) => a + byteLen(s), 0);
    if (have !== want) {
      throw new BwvmError('TFJS_SHARD_SIZE', `${file}: shards ${g.paths.map((x) => x.p).join(', ')} hold ${have} bytes but the manifest describes ${want} bytes`, { hint: 'a shard is truncated or belongs to another model; re-download or re-convert' });
    }
  }
  const out = new Map<string, Tensor>();
  for (const g of groups) {
    const all = Buffer.concat(g.paths.map(({ full }) => readFileSync(full)));
    let off = 0;
    for (const s of g.specs) {
      const len = byteLen(s);
      out.set(s.name, decode(s, all.subarray(off, off + len)));
      off += len;
    }
  }
  return out;
}
