// Test helper: independent reference numbers from @tensorflow/tfjs (pure-JS cpu backend). Keras
// .h5 files are rebuilt in tfjs from their own model_config with weights read by plain h5wasm
// (not bwvm's reader); TF.js folders are loaded with tf.loadLayersModel / tf.loadGraphModel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '../../../src/ir/index.js';

let ready: Promise<void> | undefined;
export function tfReady(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

const strings = (v: unknown): string[] => {
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x) => typeof x === 'string' || x instanceof Uint8Array).map((x) => (typeof x === 'string' ? x : new TextDecoder().decode(x as Uint8Array)));
};

/** A tfjs LayersModel equivalent to a Keras .h5 file. */
export async function tfModelFromH5(path: string): Promise<tf.LayersModel> {
  await tfReady();
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const f = new h5.File(path, 'r');
  try {
    const raw = f.attrs.model_config!.value;
    const cfg = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array));
    const model = await tf.models.modelFromJSON({ modelTopology: { model_config: cfg } } as never);
    const mw = f.get('model_weights') as InstanceType<typeof h5.Group>;
    for (const layer of strings(mw.attrs.layer_names!.value)) {
      const g = mw.get(layer) as InstanceType<typeof h5.Group>;
      const names = g.attrs.weight_names ? strings(g.attrs.weight_names.value) : [];
      if (names.length === 0) continue;
      const arrays = names.map((n) => { const d = g.get(n) as InstanceType<typeof h5.Dataset>; return tf.tensor(d.value as Float32Array, d.shape!); });
      model.getLayer(layer).setWeights(arrays);
    }
    return model;
  } finally {
    f.close();
  }
}

/** Artifacts of a TF.js model folder, read plainly (model.json + concatenated shards). */
export function tfjsArtifacts(dir: string): tf.io.ModelArtifacts {
  const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const specs = doc.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const bufs = doc.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(bufs);
  return { modelTopology: doc.modelTopology, weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), format: doc.format };
}

export function randomInput(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; data[i] = (s / 2 ** 32) * 4 - 2; }
  return { dtype: 'float32', shape, data };
}

export const toTf = (t: Tensor): tf.Tensor => tf.tensor(t.data as Float32Array, t.shape);

/** max |a-b| / max(1e-3, max |b|): error relative to the reference output's scale. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 1e-3;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i]! - b[i]!)); scale = Math.max(scale, Math.abs(b[i]!)); }
  return Number.isNaN(diff) ? Infinity : diff / scale;
}
