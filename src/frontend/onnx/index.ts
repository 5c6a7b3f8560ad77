// ONNX frontend: import (bytes or file) and export (ModelProto bytes).
export { importOnnx, importOnnxFile, decodeModel, MIN_OPSET, MAX_OPSET } from './import.js';
export type { OnnxImportOptions } from './import.js';
export { exportOnnx, irVersionFor } from './export.js';
export type { OnnxExportOptions } from './export.js';
export { ortRunner, type OrtRunner } from './runtime.js';
