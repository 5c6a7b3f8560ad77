// Pass: layout assignment. Records the memory layout chosen for every tensor in
// graph.meta['opt.layout'] (JSON: value name -> layout) without changing semantics: the IR
// stays NCHW (ONNX), and codegen lays buffers out as recorded. 4-D activations take the
// target's preferred layout (ctx.layout: 'NCHW' | 'NHWC' | 'NCHWc<k>', default NCHW), 4-D conv
// weights 'OIHW' (or 'OHWI' when activations are NHWC), 2-D values 'NC', others 'rowmajor'.
import { infoOf } from '../../ir/infer.js';
import type { Graph } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import type { Pass } from '../pass.js';

export const LAYOUT_KEY = 'opt.layout';
const VALID = /^(NCHW|NHWC|NCHWc\d+)$/;

export function readLayout(g: Graph): Record<string, string> {
  const s = g.meta[LAYOUT_KEY];
  return s ? (JSON.parse(s) as Record<string, string>) : {};
}

export const layoutPass: Pass = {
  name: 'layout',
  description: "record each tensor's memory layout (target preference for 4-D activations) in graph.meta opt.layout",
  run(g, ctx) {
    const act = ctx.layout ?? 'NCHW';
    if (!VALID.test(act)) throw new BwvmError('OPT_LAYOUT', `unknown layout '${act}'`, { hint: 'use NCHW, NHWC or NCHWc<k> (e.g. NCHWc8)' });
    const weights = new Set(g.nodes.filter((n) => n.op === 'Conv' || n.op === 'ConvTranspose').map((n) => n.inputs[1]!));
    const out: Record<string, string> = {};
    const values = new Set<string>([...g.inputs.map((i) => i.name), ...g.nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
    for (const v of values) {
      if (!v) continue;
      const info = infoOf(g, v);
      if (!info) continue;
      const r = info.shape.length;
      if (weights.has(v)) out[v] = act === 'NHWC' ? 'OHWI' : 'OIHW';
      else if (r === 4 && !g.initializers.has(v)) out[v] = act;
      else out[v] = r === 2 ? 'NC' : 'rowmajor';
    }
    const s = JSON.stringify(out);
    const changed = g.meta[LAYOUT_KEY] !== s;
    g.meta[LAYOUT_KEY] = s;
    if (changed) ctx.notes.push(`${Object.values(out).filter((l) => l === act).length} activation(s) in ${act}`);
    return changed;
  },
};
