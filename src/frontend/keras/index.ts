// Public surface of the Keras HDF5 importer.
export { importKerasH5 } from './import-h5.js';
export { kerasLoader } from './loader.js';
export { KERAS_LAYERS, CODE_LAYERS } from './layers/index.js';
export { parseModelConfig, parseModelConfigText } from './model-config.js';
export type { KerasModel, KerasLayer, TensorRef } from './model-config.js';
export { lowerKeras } from './lower.js';
