// Reading a TF.js model.json: the file itself (or the model.json inside a folder), JSON parse
// errors reported with the file, and the format (layers-model vs graph-model) recognised.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BwvmError } from '../../util/errors.js';

export type TfjsFormat = 'layers-model' | 'graph-model';

export interface TfjsModelJson {
  /** Path of model.json (as given or joined with the folder). */
  file: string;
  /** The folder all weight paths are confined to. */
  dir: string;
  format: TfjsFormat;
  topology: Record<string, unknown>;
  manifest: unknown;
  doc: Record<string, unknown>;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function readModelJson(path: string): TfjsModelJson {
  let file = path;
  let text: string;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'model.json');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BwvmError('TFJS_READ', `${file}: cannot read the TF.js model (${(e as Error).message})`, { hint: 'give the path of model.json or of the folder holding it' });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BwvmError('TFJS_JSON', `${file}: not valid JSON (${(e as Error).message})`, { hint: 'the file is damaged or is not a TF.js model.json' });
  }
  if (!isObj(doc) || !isObj(doc.modelTopology)) {
    throw new BwvmError('TFJS_FORMAT', `${file}: no modelTopology object: not a TF.js model.json`, { hint: 'convert the model with tensorflowjs_converter' });
  }
  const topo = doc.modelTopology;
  const declared = doc.format;
  const format: TfjsFormat | undefined = declared === 'layers-model' || declared === 'graph-model' ? declared
    : Array.isArray(topo.node) ? 'graph-model' : isObj(topo.model_config) || typeof topo.class_name === 'string' ? 'layers-model' : undefined;
  if (!format) throw new BwvmError('TFJS_FORMAT', `${file}: unknown TF.js format ${JSON.stringify(declared)}`, { hint: "expected 'layers-model' or 'graph-model'" });
  return { file, dir: dirname(file), format, topology: topo, manifest: doc.weightsManifest, doc };
}
