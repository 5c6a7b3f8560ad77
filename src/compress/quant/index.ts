// Public surface of quantization planning: calibration statistics and ranges, post-training
// lowering to the integer model, the QDQ graph for ONNX export and the per-layer report.
export * from './calibrate.js';
export * from './lower.js';
export * from './qdq.js';
export * from './report.js';
export * from './plan.js';
export * from './qat.js';
export * from './fold-bn.js';
export * from './bit-sensitivity.js';
export * from './joint-costs.js';
export * from './joint.js';
export * from './joint-run.js';
