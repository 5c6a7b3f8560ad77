// Public surface of the graph IR: types, graph utilities, op table, inference, costs, verifier,
// printers.
export * from './types.js';
export * from './dtype.js';
export * from './shape.js';
export * from './graph.js';
export { OPS, getOp, requireOp } from './ops/index.js';
export type { OpDef, OpContext, AttrSpec, AttrType, FuseClass, OutInfo } from './ops/index.js';
export { windowGeometry, convTransposeGeometry } from './ops/geometry.js';
export { inferShapes, infoOf, foldConstants, bindInputShapes } from './infer.js';
export { nodeCost, graphCost } from './cost.js';
export type { NodeCost, GraphCost } from './cost.js';
export { verifyGraph, assertValid } from './verify.js';
export type { VerifyIssue } from './verify.js';
export { printGraph } from './print.js';
export { toDot, FUSE_COLORS } from './dot.js';
export type { DotOptions } from './dot.js';
export { makeContext } from './context.js';
export type { SymValues } from './context.js';
export type { WindowGeom } from './ops/geometry.js';
export { QUANT_DTYPES, isQuantDType, quantDTypeOfBits, quantRange, paramsForRange, tensorParams, paramAt, type QuantDType } from './quant.js';
export type { Multiplier, QValue, QNode, QModel, QTensor } from './quant-model.js';
