// Pass: dead-code elimination (nodes whose outputs nobody reads, unused initializers).
import { removeDead } from '../../ir/graph.js';
import type { Pass } from '../pass.js';

export const dcePass: Pass = {
  name: 'dce',
  description: 'remove nodes no graph output depends on and initializers nobody reads',
  run(g, ctx) {
    const nodes = g.nodes.length, inits = g.initializers.size;
    removeDead(g);
    const dn = nodes - g.nodes.length, di = inits - g.initializers.size;
    if (dn || di) ctx.notes.push(`removed ${dn} node(s), ${di} initializer(s)`);
    return dn > 0 || di > 0;
  },
};
