// Readable text form of a graph: header, inputs, initializers (shapes only), one line per node
// with input/output shapes and attributes, outputs.
import type { AttrValue, Graph } from './types.js';
import { infoOf } from './infer.js';
import { shapeStr } from './shape.js';

const attrStr = (v: AttrValue): string =>
  Array.isArray(v) ? `[${v.join(',')}]` : typeof v === 'object' ? `tensor<${v.dtype}${shapeStr(v.shape)}>` : typeof v === 'string' ? JSON.stringify(v) : String(v);

function valStr(g: Graph, n: string): string {
  if (!n) return '_';
  const t = infoOf(g, n);
  return t ? `%${n}: ${t.dtype}${shapeStr(t.shape)}` : `%${n}`;
}

export function printGraph(g: Graph): string {
  const lines = [`graph ${g.name} (opset ${g.opset}) {`];
  for (const i of g.inputs) lines.push(`  input  ${valStr(g, i.name)}`);
  for (const t of g.initializers.values()) lines.push(`  weight %${t.name}: ${t.dtype}${shapeStr(t.shape)}`);
  for (const n of g.nodes) {
    const attrs = Object.entries(n.attrs).map(([k, v]) => `${k}=${attrStr(v)}`).join(', ');
    lines.push(`  ${n.outputs.map((o) => valStr(g, o)).join(', ')} = ${n.op}${attrs ? `<${attrs}>` : ''}(${n.inputs.map((i) => (i ? `%${i}` : '_')).join(', ')})  # ${n.name}`);
  }
  for (const o of g.outputs) lines.push(`  output ${valStr(g, o.name)}`);
  lines.push('}');
  return lines.join('\n');
}
