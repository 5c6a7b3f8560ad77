// Public surface of compression: dependency groups, physical pruning, importance criteria,
// costs and budgets, BN recalibration, sensitivity analysis and allocation strategies.
export * from './groups.js';
export * from './prune.js';
export * from './criteria.js';
export * from './costs.js';
export * from './budgets.js';
export * from './recalibrate.js';
export * from './sensitivity.js';
export * from './allocate.js';
export * from './taylor.js';
export * from './scores.js';
export * from './progressive.js';
export * from './study.js';
export * from './study-ranks.js';
