// The op -> integer C emitter table of the quantized backend, gathered from the q-ops files.
// Adding an integer op = one row in its family file + a bit-exact test against runQuantized.
import { BwvmError } from '../../util/errors.js';
import { QMAC_EMITTERS } from './qops-mac.js';
import { QMISC_EMITTERS } from './qops-misc.js';
import type { QEmitter } from './qtypes.js';

export const Q_EMITTERS: ReadonlyMap<string, QEmitter> = new Map(Object.entries({ ...QMAC_EMITTERS, ...QMISC_EMITTERS }));

/** The integer emitter of a node's op, or CG_NO_QEMITTER naming op and node. */
export function requireQEmitter(op: string, node: string): QEmitter {
  const e = Q_EMITTERS.get(op);
  if (!e) {
    throw new BwvmError('CG_NO_QEMITTER', `integer op '${op}' (node '${node}') has no quantized C emitter`, {
      hint: `quantized C emitters exist for: ${[...Q_EMITTERS.keys()].sort().join(', ')}; add a row in src/codegen/c/qops-*.ts`,
    });
  }
  return e;
}
