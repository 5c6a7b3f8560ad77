// The TF.js row of the format-dispatch table (src/frontend/load.ts): model.json of a layers or
// graph model, recognised by its modelTopology / format keys.
import type { ModelLoader } from '../load.js';
import { importTfjs } from './import.js';

const KEYS = /"(modelTopology|weightsManifest)"\s*:|"format"\s*:\s*"(layers|graph)-model"/;

export const tfjsLoader: ModelLoader = {
  format: 'tfjs',
  extensions: ['model.json'],
  sniff: (head) => head[0] !== undefined && KEYS.test(new TextDecoder().decode(head)),
  load: (path) => importTfjs(path),
};
