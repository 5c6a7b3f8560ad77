// Public surface of the portable-C backend: emit a graph as model.c/model.h/weights/harness.c,
// the op -> emitter table, and host build/run helpers (gcc).
export { emitCModel } from './model.js';
export type { CEmitOptions, CModel, CLayer } from './model.js';
export { C_EMITTERS, requireEmitter } from './table.js';
export type { CEmitter, CEmitCtx, Epilogue } from './types.js';
export type { FusionHint } from './schedule.js';
export { writeCModel, compileCModel, runHarness, haveGcc, STRICT_FLAGS } from './gcc.js';
