// The TypeScript REPL layer's public surface: the Repl contract and its implementation.
export * from './api.js';
export { TsRepl, type TsReplOptions } from './ts-repl.js';
export { ProcessExitError } from './context.js';
