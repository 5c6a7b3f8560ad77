// Graph verifier: unique names, known ops and arities, attribute kinds/values, every value
// produced once, no dangling inputs, outputs produced, no cycles, initializer sizes, and shapes
// that agree with inference. Problems come back as data; assertValid throws one BwvmError.
import type { AttrValue, Graph } from './types.js';
import type { AttrSpec } from './ops/schema.js';
import { getOp } from './ops/index.js';
import { cloneGraph, topoSort } from './graph.js';
import { inferShapes } from './infer.js';
import { numel, shapeStr } from './shape.js';
import { BwvmError, isBwvmError } from '../util/errors.js';

export interface VerifyIssue { code: string; node?: string; message: string }

function attrKindOk(spec: AttrSpec, v: AttrValue): boolean {
  switch (spec.type) {
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'float': return typeof v === 'number';
    case 'string': return typeof v === 'string';
    case 'ints': return Array.isArray(v) && (v as unknown[]).every((x) => typeof x === 'number' && Number.isInteger(x));
    case 'floats': return Array.isArray(v) && (v as unknown[]).every((x) => typeof x === 'number');
    case 'strings': return Array.isArray(v) && (v as unknown[]).every((x) => typeof x === 'string');
    case 'tensor': return typeof v === 'object' && !Array.isArray(v) && 'data' in v;
  }
}

export function verifyGraph(g: Graph): VerifyIssue[] {
  const issues: VerifyIssue[] = [];
  const add = (code: string, message: string, node?: string) => issues.push({ code, message, ...(node ? { node } : {}) });
  const defined = new Map<string, string>();
  for (const i of g.inputs) {
    if (defined.has(i.name)) add('IR_DUPLICATE', `graph input '${i.name}' declared twice`);
    defined.set(i.name, 'graph input');
    if (i.shape.some((d) => typeof d === 'number' && !(Number.isInteger(d) && d > 0))) add('IR_BAD_DIM', `graph input '${i.name}' has non-positive dims ${shapeStr(i.shape)}`);
  }
  for (const [k, t] of g.initializers) {
    if (defined.has(k)) add('IR_DUPLICATE', `initializer '${k}' has the same name as a graph input`);
    defined.set(k, 'initializer');
    if (t.shape.some((d) => !(Number.isInteger(d) && d >= 0))) add('IR_BAD_DIM', `initializer '${k}' has invalid dims ${shapeStr(t.shape)}`);
    else if (t.data.length !== numel(t.shape)) add('IR_INIT_SIZE', `initializer '${k}' has ${t.data.length} elements for shape ${shapeStr(t.shape)} (${numel(t.shape)})`);
  }
  const names = new Set<string>();
  for (const n of g.nodes) {
    if (!n.name) add('IR_NODE_NAME', `a ${n.op} node has no name`);
    else if (names.has(n.name)) add('IR_NODE_NAME', `node name '${n.name}' is used twice`, n.name);
    names.add(n.name);
    for (const o of n.outputs) {
      if (!o) continue;
      if (defined.has(o)) add('IR_DUPLICATE', `value '${o}' is produced by node '${n.name}' but already defined (${defined.get(o)})`, n.name);
      defined.set(o, `node '${n.name}'`);
    }
  }
  for (const n of g.nodes) {
    const row = getOp(n.op);
    if (!row) { add('IR_UNKNOWN_OP', `node '${n.name}' has unknown op '${n.op}'`, n.name); continue; }
    if (row.opsets && (g.opset < row.opsets[0] || g.opset > row.opsets[1])) {
      add('IR_OPSET', `node '${n.name}': ${n.op} does not exist at opset ${g.opset} (opsets ${row.opsets[0]}..${row.opsets[1] === Infinity ? '' : row.opsets[1]})`, n.name);
    }
    const nin = n.inputs.length, nout = n.outputs.length;
    if (nin < row.inputs[0] || nin > row.inputs[1]) add('IR_ARITY', `node '${n.name}' (${n.op}) has ${nin} inputs, expected ${row.inputs[0]}..${row.inputs[1]}`, n.name);
    if (nout < row.outputs[0] || nout > row.outputs[1]) add('IR_ARITY', `node '${n.name}' (${n.op}) has ${nout} outputs, expected ${row.outputs[0]}..${row.outputs[1]}`, n.name);
    n.inputs.forEach((i, k) => {
      if (!i) { if (k < row.inputs[0]) add('IR_INPUT', `node '${n.name}' (${n.op}) required input ${k} is empty`, n.name); return; }
      if (!defined.has(i)) add('IR_DANGLING', `node '${n.name}' (${n.op}) reads '${i}', which nothing produces`, n.name);
    });
    for (const [k, v] of Object.entries(n.attrs)) {
      const spec = row.attrs[k];
      if (!spec) { add('IR_ATTR', `node '${n.name}' (${n.op}) has unknown attribute '${k}'`, n.name); continue; }
      if (!attrKindOk(spec, v)) add('IR_ATTR', `node '${n.name}' (${n.op}) attribute '${k}' should be ${spec.type}`, n.name);
      else if (spec.oneOf && !spec.oneOf.includes(v as string | number)) add('IR_ATTR', `node '${n.name}' (${n.op}) attribute '${k}' = '${String(v)}' is not one of ${spec.oneOf.join(', ')}`, n.name);
    }
    for (const [k, spec] of Object.entries(row.attrs)) if (spec.required && n.attrs[k] === undefined) add('IR_ATTR', `node '${n.name}' (${n.op}) is missing required attribute '${k}'`, n.name);
  }
  for (const o of g.outputs) if (!defined.has(o.name)) add('IR_OUTPUT', `graph output '${o.name}' is not produced`);
  if (issues.length) return issues;
  try { topoSort(g); } catch (e) { if (isBwvmError(e)) add(e.code, e.message); else throw e; return issues; }
  // shapes: re-infer on a copy and compare with what the graph records
  try {
    const c = inferShapes(cloneGraph(g));
    for (const [k, v] of g.valueInfo) {
      const w = c.valueInfo.get(k);
      if (!w) continue;
      const clash = w.shape.length !== v.shape.length || w.shape.some((d, i) => typeof d === 'number' && typeof v.shape[i] === 'number' && d !== v.shape[i]);
      if (clash || w.dtype !== v.dtype) add('IR_SHAPE', `value '${k}' is recorded as ${v.dtype}${shapeStr(v.shape)} but infers to ${w.dtype}${shapeStr(w.shape)}`);
    }
  } catch (e) {
    if (!isBwvmError(e)) throw e;
    const node = (e.details?.node as string | undefined);
    add(e.code, e.message, node);
  }
  return issues;
}

/** Throw IR_VERIFY listing every problem (first problem's code in details.codes[0]). */
export function assertValid(g: Graph): void {
  const issues = verifyGraph(g);
  if (issues.length === 0) return;
  throw new BwvmError('IR_VERIFY', `graph '${g.name}' is invalid:\n${issues.map((i) => `  - [${i.code}] ${i.message}`).join('\n')}`, { details: { codes: issues.map((i) => i.code), issues } });
}
