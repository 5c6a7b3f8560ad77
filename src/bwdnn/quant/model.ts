// The lowered integer model the fixed-point reference runs (types defined in src/ir/quant-model.ts
// so that every layer reading an integer model shares them).
export type { Multiplier, QValue, QNode, QModel, QTensor } from '../../ir/quant-model.js';
