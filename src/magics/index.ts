// Public surface of the magics layer: the in-process executor, the registry/table, the types a
// magic family is written against, argument parsing and the cell globals.
export { InProcessExecutor, type InProcessExecutorOptions } from './executor.js';
export { MagicRegistry } from './registry.js';
export { MAGIC_FAMILIES, createRegistry } from './table.js';
export { MagicOutput, type MagicContext, type MagicFamily, type MagicSpec, type FlagSpec, type FlagType, type PositionalSpec, type MagicKind } from './types.js';
export { MagicArgs, parseArgs, parseRange } from './args.js';
export { parseCell, type Segment } from './parser.js';
export { KeyboardInterrupt } from './interrupt.js';
export { CommManager, Comm } from './comms.js';
export { CELL_GLOBALS_DTS, makeCellGlobals } from './globals.js';
