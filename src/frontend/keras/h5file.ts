// Reading HDF5 files safely: the bytes are read here (one file, nothing else) and handed to
// h5wasm's in-memory file system, so HDF5 external links/files can never reach the host disk.
// Wraps attribute/dataset access with errors that name the file.
import { readFileSync, statSync } from 'node:fs';
import h5wasm from 'h5wasm';
import type { Dataset, Group, File as H5File } from 'h5wasm';
import { BwvmError } from '../../util/errors.js';

const MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_BYTES = 2 ** 31 - 1;
let counter = 0;

/** True when `bytes` holds an HDF5 signature at offset 0, 512, 1024, ... (user block). */
export function hasHdf5Magic(bytes: Uint8Array): boolean {
  for (let off = 0; off + MAGIC.length <= bytes.length; off = off === 0 ? 512 : off * 2) {
    if (MAGIC.every((b, i) => bytes[off + i] === b)) return true;
  }
  return false;
}

export interface H5Handle {
  file: H5File;
  path: string;
  close(): void;
}

/** Open an HDF5 file read-only from an in-memory copy. Throws KERAS_H5_* naming the file. */
export async function openH5(path: string): Promise<H5Handle> {
  let bytes: Uint8Array;
  try {
    if (statSync(path).size > MAX_BYTES) throw new BwvmError('KERAS_H5_TOO_BIG', `${path}: HDF5 file larger than 2 GiB`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof BwvmError) throw e;
    throw new BwvmError('KERAS_H5_READ', `${path}: cannot read the file (${(e as Error).message})`, { hint: 'check the path and its permissions' });
  }
  if (!hasHdf5Magic(bytes)) {
    throw new BwvmError('KERAS_H5_MAGIC', `${path}: not an HDF5 file (no HDF5 signature)`, { hint: 'Keras models must be saved as .h5 (model.save("m.h5")); .keras zip files and SavedModel folders are not HDF5' });
  }
  const Module = await h5wasm.ready;
  Module.activate_throwing_error_handler(); // HDF5 errors become exceptions, not console noise
  const memName = `/bwvm_keras_${process.pid}_${++counter}.h5`;
  Module.FS.writeFile(memName, bytes);
  let file: H5File;
  try {
    file = new h5wasm.File(memName, 'r');
    if (!file.file_id || file.file_id < 0n) throw new Error('open failed');
  } catch (e) {
    Module.FS.unlink(memName);
    throw new BwvmError('KERAS_H5_PARSE', `${path}: HDF5 file is damaged or truncated (${hdf5Reason(e)})`, { hint: 're-save or re-download the model' });
  }
  return {
    file, path,
    close() {
      try { file.close(); } finally { Module.FS.unlink(memName); }
    },
  };
}

/** The innermost line of an HDF5 error stack ('truncated file: eof = ...'), else the message. */
function hdf5Reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').filter((l) => /^\s*#\d+:/.test(l));
  const last = lines[lines.length - 1];
  return (last ? last.replace(/^.*\(\):\s*/, '') : msg).trim().slice(0, 200);
}

/** Run `fn` with any h5wasm failure reported as KERAS_H5_PARSE naming the file and object. */
export function guard<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BwvmError) throw e;
    throw new BwvmError('KERAS_H5_PARSE', `${path}: cannot read ${what} (${hdf5Reason(e)})`, { hint: 'the HDF5 file is damaged or truncated' });
  }
}

const decode = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return undefined;
};

/** A string attribute (fixed or variable length), or undefined when absent. */
export function attrString(obj: Group | Dataset, name: string, path: string): string | undefined {
  return guard(path, `attribute '${name}' of ${obj.path}`, () => {
    const a = obj.attrs[name];
    if (!a) return undefined;
    const v = a.value;
    const s = decode(Array.isArray(v) && v.length === 1 ? v[0] : v);
    if (s === undefined) throw new BwvmError('KERAS_H5_ATTR', `${path}: attribute '${name}' of ${obj.path} is not a string`);
    return s;
  });
}

/** A string-list attribute, also in Keras' chunked form (name0, name1, ... for big lists). */
export function attrStrings(obj: Group, name: string, path: string): string[] | undefined {
  return guard(path, `attribute '${name}' of ${obj.path}`, () => {
    const keys = Object.keys(obj.attrs);
    const parts = keys.includes(name) ? [name] : keys.filter((k) => new RegExp(`^${name}\\d+$`).test(k)).sort((a, b) => Number(a.slice(name.length)) - Number(b.slice(name.length)));
    if (parts.length === 0) return undefined;
    const out: string[] = [];
    for (const p of parts) {
      const v = obj.attrs[p]!.value;
      if (ArrayBuffer.isView(v) && !(v instanceof Uint8Array) && (v as ArrayLike<number>).length === 0) continue; // Keras stores [] as empty float64
      const list = Array.isArray(v) ? v : [v];
      for (const e of list) {
        const s = decode(e);
        if (s === undefined) throw new BwvmError('KERAS_H5_ATTR', `${path}: attribute '${p}' of ${obj.path} is not a list of strings`);
        out.push(s);
      }
    }
    return out;
  });
}
