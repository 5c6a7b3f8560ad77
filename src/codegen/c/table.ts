// The op -> C emitter table: one row per op, gathered from the per-family emitter files.
// Adding an op to the C backend = one row in its family file + a test against the reference.
import { BwvmError } from '../../util/errors.js';
import { CONV_EMITTERS } from './ops-conv.js';
import { ELTWISE_EMITTERS } from './ops-eltwise.js';
import { GATHER_EMITTERS } from './ops-gather.js';
import { LAYOUT_EMITTERS } from './ops-layout.js';
import { MATMUL_EMITTERS } from './ops-matmul.js';
import { POOL_EMITTERS } from './ops-pool.js';
import { REDUCE_EMITTERS } from './ops-reduce.js';
import type { CEmitter } from './types.js';

export const C_EMITTERS: ReadonlyMap<string, CEmitter> = new Map(Object.entries({
  ...CONV_EMITTERS, ...ELTWISE_EMITTERS, ...POOL_EMITTERS, ...MATMUL_EMITTERS, ...LAYOUT_EMITTERS, ...GATHER_EMITTERS, ...REDUCE_EMITTERS,
}));

/** The emitter for a node's op, or CG_NO_EMITTER naming op and node. */
export function requireEmitter(op: string, node: string): CEmitter {
  const e = C_EMITTERS.get(op);
  if (!e) {
    throw new BwvmError('CG_NO_EMITTER', `op '${op}' (node '${node}') has no C emitter`, {
      hint: `C emitters exist for: ${[...C_EMITTERS.keys()].sort().join(', ')}; add a row in src/codegen/c/ops-*.ts`,
    });
  }
  return e;
}
