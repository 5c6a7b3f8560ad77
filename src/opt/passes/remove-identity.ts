// Pass: remove Identity and inference-time Dropout (mask output unused) nodes by rewiring
// their readers to the input value.
import type { Pass } from '../pass.js';
import { bypass } from '../rewrite.js';
import { consumers } from '../../ir/graph.js';

const PASS_THROUGH = new Set(['Identity', 'Dropout']);

export const removeIdentityPass: Pass = {
  name: 'remove-identity',
  description: 'remove Identity and Dropout (inference mode) nodes',
  run(g, ctx) {
    let removed = 0;
    for (const n of [...g.nodes]) {
      if (!PASS_THROUGH.has(n.op) || !n.inputs[0] || !n.outputs[0]) continue;
      const cons = consumers(g);
      const maskUsed = n.outputs.slice(1).some((o) => o && (cons.has(o) || g.outputs.some((x) => x.name === o)));
      if (maskUsed) continue;
      if (n.op === 'Dropout' && n.inputs[2] && !isFalse(g, n.inputs[2])) continue; // training_mode input set
      if (bypass(g, n, n.inputs[0], n.outputs[0])) removed++;
    }
    if (removed) ctx.notes.push(`removed ${removed} node(s)`);
    return removed > 0;
  },
};

function isFalse(g: Parameters<Pass['run']>[0], name: string): boolean {
  const t = g.initializers.get(name);
  return !!t && t.data.length === 1 && Number(t.data[0]) === 0;
}
