// THE instruction table: the single source of truth for syntax, operands, unit class, latency
// class, semantics and encoding. Rows live in table-compute.ts and table-memctl.ts; this file
// joins them, indexes them by id and opcode, and reserves opcodes for fixed-point extensions.
import { COMPUTE_ROWS } from './table-compute.js';
import { MEMCTL_ROWS } from './table-memctl.js';
import type { InstrDef } from './types.js';

/** Every instruction, in the order the assembler tries their syntax. */
export const INSTRUCTIONS: readonly InstrDef[] = [...COMPUTE_ROWS, ...MEMCTL_ROWS];

/**
 * Opcodes 0x30-0x3F are reserved for the fixed-point extension (16-bit dual / 8-bit quad
 * multiply-accumulate into wide accumulators, rounding shifts, saturation). Its rows will use the
 * same R3 layout (mask, d, a, b, 3-bit sub-op) and the 'MUL'/'SHF' unit classes.
 */
export const RESERVED_OPCODES: readonly number[] = Array.from({ length: 16 }, (_, i) => 0x30 + i);

const byId = new Map<string, InstrDef>();
const byOp = new Map<number, InstrDef[]>();
for (const d of INSTRUCTIONS) {
  if (byId.has(d.id)) throw new Error(`duplicate instruction id ${d.id}`);
  byId.set(d.id, d);
  const list = byOp.get(d.op) ?? [];
  list.push(d);
  byOp.set(d.op, list);
}

/** The table row for an instruction id, or undefined. */
export function instr(id: string): InstrDef | undefined {
  return byId.get(id);
}

/** Rows sharing a primary opcode (distinguished by sub-opcode). */
export function rowsForOpcode(op: number): readonly InstrDef[] {
  return byOp.get(op) ?? [];
}
