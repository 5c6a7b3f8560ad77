// Public API of the ISA layer: the instruction table, Program types, encoder/decoder, assembler,
// disassembler, line legality checks and the generated ISA document.
export * from './types.js';
export { RETURN_STACK_DEPTH } from './table-call.js';
export { INSTRUCTIONS, RESERVED_OPCODES, instr, rowsForOpcode } from './table.js';
export { encodeSlot, decodeSlot, encodeLines, decodeLines, P_BIT } from './encode.js';
export { assemble, ENCODING_LIMITS, type AsmOptions } from './asm.js';
export { disassemble, disasmLine } from './disasm.js';
export { parseSlot, printSlot, isSlot } from './syntax.js';
export { checkLine, lineUsage, unitsOf, type LineProblem } from './check.js';
export { lanes } from './rows.js';
export { renderIsaDoc } from './docs.js';
export { writeImage, readImage, isImage } from './image.js';
