// Public surface of code generation: the emitter table (--emit c,asm) and the portable C backend.
export { EMITTERS, resolveEmitters, listingExcerpt } from './emit-table.js';
export type { EmitRequest, EmitResult, EmitterRow } from './emit-table.js';
export * from './c/index.js';
