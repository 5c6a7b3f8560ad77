// Builds the OpContext an op row sees for one node: resolved input infos, constants, attributes
// with schema defaults, and errors that name the node.
import type { Graph, Node, TensorInfo, AttrValue, Dim } from './types.js';
import type { OpContext, OpDef } from './ops/schema.js';
import { toNumbers } from './dtype.js';
import { BwvmError } from '../util/errors.js';

/** Symbolic values of small integer tensors, by value name (see OpContext.symbolic). */
export type SymValues = Map<string, Dim[]>;

export function makeContext(g: Graph, node: Node, def: OpDef, info: (name: string) => TensorInfo | undefined, outputs: TensorInfo[] = [], sym?: SymValues): OpContext {
  const fail = (code: string, msg: string): never => {
    throw new BwvmError(code, `node '${node.name}' (${node.op}): ${msg}`, { details: { node: node.name, op: node.op } });
  };
  const inputs = node.inputs.map((n, i) => {
    if (!n) return undefined;
    const t = info(n);
    if (!t) fail('IR_INPUT', `input ${i} '${n}' is not produced by any node, graph input or initializer`);
    return t;
  });
  return {
    node, opset: g.opset, inputs, outputs,
    attr<T extends AttrValue>(name: string): T {
      const v = node.attrs[name];
      if (v !== undefined) return v as T;
      const spec = def.attrs[name];
      if (spec?.default !== undefined) return spec.default as T;
      return fail('IR_ATTR', `missing attribute '${name}'`);
    },
    has: (name) => node.attrs[name] !== undefined,
    constant: (i) => (node.inputs[i] ? g.initializers.get(node.inputs[i]!) : undefined),
    constNumbers: (i) => { const t = node.inputs[i] ? g.initializers.get(node.inputs[i]!) : undefined; return t ? toNumbers(t.data) : undefined; },
    symbolic: (i) => {
      const n = node.inputs[i];
      if (!n) return undefined;
      const t = g.initializers.get(n);
      if (t) return t.data.length <= 64 && t.dtype !== 'float32' ? toNumbers(t.data) : undefined;
      return sym?.get(n);
    },
    fail: fail as OpContext['fail'],
  };
}
