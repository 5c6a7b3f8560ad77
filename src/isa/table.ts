// THE instruction table: the single source of truth for syntax, operands, unit class, latency
// class, semantics and encoding. Rows live in table-compute.ts and table-memctl.ts; this file
// joins them, indexes them by id and opcode, and reserves opcodes for fixed-point extensions.
import { COMPUTE_ROWS } from './table-compute.js';
import { MEMCTL_ROWS } from './table-memctl.js';
import { FIXED_ROWS } from './table-fixed.js';
import { CALL_ROWS } from './table-call.js';
import type { InstrDef } from './types.js';

/** Every instruction, in the order the assembler tries their syntax. */
export const INSTRUCTIONS: readonly InstrDef[] = [...COMPUTE_ROWS, ...FIXED_ROWS, ...MEMCTL_ROWS, ...CALL_ROWS];

/**
 * Opcodes 0x33-0x3F are reserved for further fixed-point / complex extensions (0x30-0x32 hold the
 * first fixed-point rows: dual/quad MAC into accumulator pairs, rounding shift, saturation).
 */
export const RESERVED_OPCODES: readonly number[] = Array.from({ length: 13 }, (_, i) => 0x33 + i);

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
