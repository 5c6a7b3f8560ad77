// Pass: constant folding (nodes whose inputs are all constants, or shape plumbing over static
// shapes, become initializers through the op table's `fold` rows; dead producers are dropped).
import { foldConstants } from '../../ir/infer.js';
import type { Pass } from '../pass.js';

export const foldConstantsPass: Pass = {
  name: 'fold-constants',
  description: 'replace nodes computable at compile time (constants, Shape of static shapes) by initializers',
  run(g, ctx) {
    const n = foldConstants(g);
    if (n) ctx.notes.push(`folded ${n} node(s)`);
    return n > 0;
  },
};
