// Model format detection and dispatch: one row per format (extensions + magic-byte sniffing +
// loader). Keras .h5 and TF.js model.json rows are added by their importers: add ONE row to
// LOADERS (or call registerLoader) — nothing else here needs to change.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Dim, Graph } from '../ir/types.js';
import { BwvmError } from '../util/errors.js';
import { bindInputShapes } from '../ir/infer.js';
import { importOnnxFile } from './onnx/import.js';
import { loadNative, sniffNative } from './native/load.js';
import { NATIVE_EXT } from './native/format.js';
import { kerasLoader } from './keras/loader.js';
import { tfjsLoader } from './tfjs/loader.js';

export interface LoadOptions {
  /** Override graph input dims by name (e.g. bind the batch). */
  inputShapes?: Record<string, Dim[]>;
}

export interface ModelLoader {
  /** Short format name shown to users ('onnx', 'keras-h5', 'tfjs', 'bwvm'). */
  format: string;
  /** Lower-case file name endings this format uses ('.onnx', '.h5', 'model.json'). */
  extensions: string[];
  /** True when the first bytes (up to 512) are this format. */
  sniff(head: Uint8Array, path: string): boolean;
  load(path: string, opts: LoadOptions): Graph | Promise<Graph>;
}

/** An ONNX file is a protobuf ModelProto: it starts with a small field tag (ir_version = 0x08). */
const sniffOnnx = (h: Uint8Array): boolean => h.length > 2 && h[0] === 0x08 && h[1]! > 0 && h[1]! < 0x20;

export const LOADERS: ModelLoader[] = [
  { format: 'onnx', extensions: ['.onnx'], sniff: sniffOnnx, load: (p, o) => importOnnxFile(p, o.inputShapes ? { inputShapes: o.inputShapes } : {}) },
  { format: 'bwvm', extensions: [NATIVE_EXT, `${NATIVE_EXT}.json`], sniff: sniffNative, load: (p) => loadNative(p) },
  kerasLoader,
  tfjsLoader,
];

export function registerLoader(l: ModelLoader): void {
  const i = LOADERS.findIndex((x) => x.format === l.format);
  if (i >= 0) LOADERS[i] = l; else LOADERS.push(l);
}

function head(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try { const b = Buffer.alloc(512); const n = readSync(fd, b, 0, 512, 0); return b.subarray(0, n); } finally { closeSync(fd); }
}

/** The loader for `path`: magic bytes first (unambiguous match), then the file name ending. */
export function detectFormat(path: string): ModelLoader {
  try { if (!statSync(path).isFile()) throw new Error('not a file'); } catch (e) {
    throw new BwvmError('LOAD_MISSING', `cannot open model '${path}': ${(e as Error).message}`, { hint: 'check the path (relative paths start at the notebook folder)' });
  }
  const h = head(path);
  const sniffed = LOADERS.filter((l) => l.sniff(h, path));
  if (sniffed.length === 1) return sniffed[0]!;
  const lower = path.toLowerCase();
  const byExt = LOADERS.filter((l) => l.extensions.some((e) => lower.endsWith(e)));
  const pick = byExt.find((l) => sniffed.includes(l)) ?? (sniffed.length === 0 ? byExt[0] : undefined) ?? sniffed[0];
  if (pick) return pick;
  throw new BwvmError('LOAD_FORMAT', `'${path}' is not a model format bwvm knows (extension '${extname(path)}')`, {
    hint: `supported: ${LOADERS.map((l) => `${l.format} (${l.extensions.join(', ')})`).join('; ')}`,
  });
}

/** Load any supported model file into an IR graph. */
export async function loadModel(path: string, opts: LoadOptions = {}): Promise<Graph> {
  const loader = detectFormat(path);
  const g = await loader.load(path, opts);
  g.meta.format ??= loader.format;
  if (opts.inputShapes) bindInputShapes(g, opts.inputShapes);
  return g;
}
