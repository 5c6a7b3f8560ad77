// The op table: every op the IR knows, by ONNX op type. Families live one per file; to add an op,
// add a row to its family (or a new family file to FAMILIES) and a test.
import type { OpDef } from './schema.js';
import { CONV_OPS } from './conv.js';
import { ACTIVATION_OPS } from './activation.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { POOL_OPS } from './pool.js';
import { NORM_OPS } from './norm.js';
import { MATMUL_OPS } from './matmul.js';
import { LAYOUT_OPS } from './layout.js';
import { MISC_OPS } from './misc.js';
import { QUANT_OPS } from './quant.js';
import { REDUCE_OPS } from './reduce.js';
import { BwvmError } from '../../util/errors.js';

const FAMILIES: OpDef[][] = [CONV_OPS, ACTIVATION_OPS, ELEMENTWISE_OPS, POOL_OPS, NORM_OPS, MATMUL_OPS, LAYOUT_OPS, MISC_OPS, QUANT_OPS, REDUCE_OPS];

export const OPS: ReadonlyMap<string, OpDef> = new Map(FAMILIES.flat().map((d) => [d.op, d]));

export function getOp(op: string): OpDef | undefined {
  return OPS.get(op);
}

/** The row for `op`, or IR_UNKNOWN_OP naming the node. */
export function requireOp(op: string, nodeName: string): OpDef {
  const d = OPS.get(op);
  if (!d) throw new BwvmError('IR_UNKNOWN_OP', `op '${op}' (node '${nodeName}') is not supported`, { hint: `supported ops: ${[...OPS.keys()].sort().join(', ')}` });
  return d;
}

export type { OpDef, OpContext, AttrSpec, AttrType, FuseClass, OutInfo } from './schema.js';
