// Graph builder shared by the Keras and TF.js importers: values carry their *logical* shape
// (as the source framework sees it, channels-last) and the layout the IR tensor is stored in.
// Rank-4 values are converted NHWC <-> NCHW lazily with one cached Transpose per direction.
// A flattened NCHW value stays 'chw-flat' (features in C,H,W order) so a following Dense/MatMul
// permutes its weight rows instead of transposing activations back to channels-last.
import { createGraph, dataFrom } from '../../ir/index.js';
import type { Attrs, DType, Graph, Initializer, Shape, Tensor } from '../../ir/index.js';
import { BwvmError } from '../../util/errors.js';

/**
 * 'nhwc': IR tensor stored as the source shape; 'nchw': rank-4 NHWC value stored transposed;
 * 'chw-flat': a rank-2 [N, H*W*C] value whose features are stored in C,H,W order (see `chw`).
 */
export type Layout = 'nhwc' | 'nchw' | 'chw-flat';

export interface Value {
  name: string;
  /** Logical (source framework) shape; dim 0 is the batch ('N'). */
  shape: Shape;
  layout: Layout;
  dtype: DType;
  /** For 'chw-flat': the [C, H, W] dims the features were flattened from. */
  chw?: [number, number, number];
}

export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

/** IR shape of a value (NCHW order when stored so). */
export function irShape(v: Value): Shape {
  return v.layout === 'nchw' ? TO_NCHW.map((i) => v.shape[i]!) : [...v.shape];
}

export class GraphBuilder {
  readonly graph: Graph;
  private readonly usedValues = new Set<string>();
  private readonly usedNodes = new Set<string>();
  private readonly converted = new Map<string, Value>();

  constructor(name: string, readonly file: string) {
    this.graph = createGraph({ name, opset: 13 });
  }

  /** A fresh value/initializer name derived from `base` (nodes have their own namespace). */
  fresh(base: string, used = this.usedValues): string {
    const clean = base.replace(/:0$/, '') || 'v';
    let n = clean;
    for (let i = 1; used.has(n); i++) n = `${clean}_${i}`;
    used.add(n);
    return n;
  }

  input(name: string, shape: Shape): Value {
    const n = this.fresh(name);
    this.graph.inputs.push({ name: n, dtype: 'float32', shape: [...shape] });
    return { name: n, shape: [...shape], layout: 'nhwc', dtype: 'float32' };
  }

  /** Add an initializer (copied name made unique); returns its value name. */
  weight(name: string, t: Tensor): string {
    const n = this.fresh(name);
    const init: Initializer = { name: n, dtype: t.dtype, shape: [...t.shape], data: t.data };
    this.graph.initializers.set(n, init);
    return n;
  }

  /** An int64 constant (shapes, pads). */
  ints(name: string, values: number[]): string {
    return this.weight(name, { dtype: 'int64', shape: [values.length], data: dataFrom('int64', values) });
  }

  /** A float32 scalar constant (Clip bounds). */
  scalar(name: string, value: number): string {
    return this.weight(name, { dtype: 'float32', shape: [], data: new Float32Array([value]) });
  }

  /** Emit one node with one output; returns the output value name. */
  node(op: string, name: string, inputs: string[], attrs: Attrs = {}): string {
    const nodeName = this.fresh(name, this.usedNodes);
    const out = this.fresh(name);
    this.graph.nodes.push({ name: nodeName, op, inputs, outputs: [out], attrs });
    return out;
  }

  /**
   * The value stored in `layout` (inserting and caching a Transpose when needed). A 'chw-flat'
   * value asked for any other layout is re-ordered to the channels-last flatten order.
   */
  as(v: Value, layout: Layout): Value {
    if (v.layout === layout) return v;
    if (v.layout === 'chw-flat') return this.unflat(v);
    if (v.shape.length !== 4 || layout === 'chw-flat') return v;
    const key = `${v.name}->${layout}`;
    const hit = this.converted.get(key);
    if (hit) return hit;
    const perm = layout === 'nchw' ? TO_NCHW : TO_NHWC;
    const out: Value = { ...v, name: this.node('Transpose', `${v.name}_to_${layout}`, [v.name], { perm }), layout };
    this.converted.set(key, out);
    this.converted.set(`${out.name}->${v.layout}`, v);
    return out;
  }

  /** Flatten a rank-4 value to [N, H*W*C]: NCHW values become 'chw-flat' (no transpose). */
  flatten(v: Value, name: string): Value {
    const [n, h, w, c] = v.shape;
    if (typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') return this.fail('FRONTEND_DYNAMIC_SHAPE', `cannot flatten '${v.name}' with unknown dims`);
    const out = this.node('Flatten', name, [v.name], { axis: 1 });
    if (v.layout === 'nchw') return { name: out, shape: [n!, h * w * c], layout: 'chw-flat', dtype: v.dtype, chw: [c, h, w] };
    return { name: out, shape: [n!, h * w * c], layout: 'nhwc', dtype: v.dtype };
  }

  /** Channels-last order for a 'chw-flat' value: reshape to NCHW, transpose, flatten (cached). */
  private unflat(v: Value): Value {
    const key = `${v.name}->nhwc`;
    const hit = this.converted.get(key);
    if (hit) return hit;
    const [c, h, w] = v.chw!;
    const r = this.node('Reshape', `${v.name}_unflat`, [v.name, this.ints(`${v.name}_chw`, [0, c, h, w])]);
    const t = this.node('Transpose', `${v.name}_to_nhwc`, [r], { perm: TO_NHWC });
    const out: Value = { name: this.node('Flatten', `${v.name}_hwc`, [t], { axis: 1 }), shape: [...v.shape], layout: 'nhwc', dtype: v.dtype };
    this.converted.set(key, out);
    return out;
  }

  /** Mark graph outputs: always in the source layout (channels-last), as the source model returns them. */
  output(v: Value, name: string): void {
    const o = this.as(v, 'nhwc');
    let outName = o.name;
    if (this.graph.outputs.some((x) => x.name === outName) || this.graph.inputs.some((x) => x.name === outName)) {
      // The IR has no Identity: a shape-preserving Reshape (0 = copy the dim) gives a distinct name.
      outName = this.node('Reshape', `${name}_out`, [o.name, this.ints(`${name}_shape`, o.shape.map(() => 0))]);
    }
    else if (!this.usedValues.has(name) && !this.graph.initializers.has(outName)) {
      // Name the output after its Keras layer: rename the value everywhere it appears.
      this.usedValues.add(name);
      for (const n of this.graph.nodes) {
        n.outputs = n.outputs.map((x) => (x === outName ? name : x));
        n.inputs = n.inputs.map((x) => (x === outName ? name : x));
      }
      for (const [k, c] of this.converted) if (c.name === outName) this.converted.set(k, { ...c, name });
      outName = name;
    }
    this.graph.outputs.push({ name: outName, dtype: o.dtype, shape: [...o.shape] });
  }

  fail(code: string, msg: string, hint?: string): never {
    throw new BwvmError(code, `${this.file}: ${msg}`, hint ? { hint } : {});
  }
}
