// Public surface of the portable-C backend: emit a graph as model.c/model.h/weights/harness.c,
// the op -> emitter table, and host build/run helpers (gcc).
export { emitCModel } from './model.js';
export type { CEmitOptions, CModel, CLayer } from './model.js';
export { C_EMITTERS, requireEmitter } from './table.js';
export type { CEmitter, CEmitCtx, Epilogue } from './types.js';
export type { FusionHint } from './schedule.js';
export { writeCModel, compileCModel, runHarness, haveGcc, STRICT_FLAGS } from './gcc.js';
// quantized (integer) C: the lowered integer model as fixed-point C99, bit-exact with bwdnn's reference
export { emitQuantizedC } from './qmodel.js';
export type { QCEmitOptions, QCModel } from './qmodel.js';
export { Q_EMITTERS, requireQEmitter } from './qtable.js';
export type { QEmitter, QEmitCtx, QIntModel, QIntNode, QIntValue, QIntMultiplier, MultiplierFn } from './qtypes.js';
export { runQHarness } from './qharness.js';
