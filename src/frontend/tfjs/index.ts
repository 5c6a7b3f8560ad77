// Public surface of the TF.js importer (layers models and graph models).
export { importTfjs } from './import.js';
export { tfjsLoader } from './loader.js';
export { GRAPH_OPS } from './graph/lower.js';
export { readWeights, confinedPath } from './weights.js';
