// Pass: fold a per-channel constant Add that follows a Conv (its only reader) into the Conv's
// bias input (creating the bias when absent).
import type { Graph, Node } from '../../ir/types.js';
import { consumers, producers } from '../../ir/graph.js';
import type { Pass } from '../pass.js';
import { absorbInto, addFloatInit, constFloats, singleUse } from '../rewrite.js';

/** The per-output-channel vector of a constant broadcast over [N, M, spatial...], if it is one. */
function channelVector(g: Graph, name: string, m: number, rank: number): Float32Array | undefined {
  const t = g.initializers.get(name);
  const d = constFloats(g, name);
  if (!t || !d) return undefined;
  if (d.length === 1) return new Float32Array(m).fill(d[0]!);
  if (d.length !== m || t.shape.length > rank) return undefined;
  const pos = rank - t.shape.length; // right-aligned broadcast
  const chanAxis = t.shape.findIndex((x) => x === m);
  return chanAxis >= 0 && chanAxis + pos === 1 ? d : undefined;
}

function tryFuse(g: Graph, add: Node): boolean {
  const prod = producers(g), cons = consumers(g);
  for (const k of [0, 1]) {
    const x = add.inputs[k]!, c = add.inputs[1 - k]!;
    const conv = prod.get(x);
    if (!conv || conv.op !== 'Conv' || !singleUse(g, x, cons)) continue;
    const w = g.initializers.get(conv.inputs[1]!);
    const info = g.valueInfo.get(x);
    if (!w || !info) continue;
    const m = w.shape[0]!;
    const v = channelVector(g, c, m, info.shape.length);
    if (!v) continue;
    const old = conv.inputs[2] ? constFloats(g, conv.inputs[2]) : new Float32Array(m);
    if (!old) continue;
    conv.inputs[2] = addFloatInit(g, `${conv.name}_B_fused`, [m], old.map((b, i) => b + v[i]!));
    absorbInto(g, conv, add);
    return true;
  }
  return false;
}

export const fuseBiasPass: Pass = {
  name: 'fuse-bias',
  description: 'fold a per-channel constant Add after a Conv into the Conv bias',
  run(g, ctx) {
    let n = 0;
    for (const add of [...g.nodes]) if (add.op === 'Add' && add.inputs.length === 2 && tryFuse(g, add)) n++;
    if (n) ctx.notes.push(`fused ${n} bias Add(s)`);
    return n > 0;
  },
};
