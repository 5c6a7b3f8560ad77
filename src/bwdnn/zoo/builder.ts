// A small network builder over the IR for the model zoo: conv / BN / activations / pooling /
// dense / add / concat with seeded He initialization, tracking [C, H, W] of every value.
import type { Graph, Initializer, Node } from '../../ir/types.js';
import { createGraph } from '../../ir/graph.js';
import { inferShapes } from '../../ir/infer.js';
import { BwvmError } from '../../util/errors.js';
import { Rng } from './rng.js';

export interface ConvOpts { k?: number; stride?: number; pad?: number; groups?: number; bias?: boolean }

type Chw = [number, number, number];

export class NetBuilder {
  private readonly g: Graph;
  private readonly rng: Rng;
  private readonly shapes = new Map<string, Chw | [number]>();
  private counter = new Map<string, number>();
  readonly input = 'input';

  constructor(name: string, inputChw: Chw, seed: number) {
    this.g = createGraph({ name, opset: 13, inputs: [{ name: this.input, dtype: 'float32', shape: ['N', ...inputChw] }], meta: { producer: 'bwvm zoo', seed: String(seed) } });
    this.rng = new Rng(seed);
    this.shapes.set(this.input, inputChw);
  }

  chw(x: string): Chw {
    const s = this.shapes.get(x);
    if (!s || s.length !== 3) throw new BwvmError('ZOO_SHAPE', `value '${x}' is not a feature map`);
    return s;
  }

  private name(kind: string): string {
    const i = (this.counter.get(kind) ?? 0) + 1;
    this.counter.set(kind, i);
    return `${kind}${i}`;
  }

  private init(name: string, shape: number[], fill: (i: number) => number): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = fill(i);
    const t: Initializer = { name, dtype: 'float32', shape, data };
    this.g.initializers.set(name, t);
    return name;
  }

  private node(op: string, base: string, inputs: string[], attrs: Node['attrs'], shape: Chw | [number]): string {
    const out = `${base}_out`;
    this.g.nodes.push({ name: base, op, inputs, outputs: [out], attrs });
    this.shapes.set(out, shape);
    return out;
  }

  conv(x: string, cout: number, o: ConvOpts = {}): string {
    const [cin, h, w] = this.chw(x);
    const k = o.k ?? 3, s = o.stride ?? 1, p = o.pad ?? Math.floor(k / 2), groups = o.groups ?? 1;
    if (cin % groups || cout % groups) throw new BwvmError('ZOO_GROUPS', `conv groups ${groups} must divide ${cin} and ${cout}`);
    const base = this.name(groups === cin && groups > 1 ? 'dwconv' : 'conv');
    const fanIn = (cin / groups) * k * k;
    const std = Math.sqrt(2 / fanIn);
    const wName = this.init(`${base}.weight`, [cout, cin / groups, k, k], () => this.rng.normal() * std);
    const inputs = [x, wName];
    if (o.bias) inputs.push(this.init(`${base}.bias`, [cout], () => 0));
    const ho = Math.floor((h + 2 * p - k) / s) + 1, wo = Math.floor((w + 2 * p - k) / s) + 1;
    return this.node('Conv', base, inputs, { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], dilations: [1, 1], group: groups }, [cout, ho, wo]);
  }

  bn(x: string): string {
    const [c, h, w] = this.chw(x);
    const base = this.name('bn');
    const ins = [x, this.init(`${base}.weight`, [c], () => 1), this.init(`${base}.bias`, [c], () => 0),
      this.init(`${base}.running_mean`, [c], () => 0), this.init(`${base}.running_var`, [c], () => 1)];
    return this.node('BatchNormalization', base, ins, { epsilon: 1e-5, momentum: 0.9 }, [c, h, w]);
  }

  act(x: string, op: 'Relu' | 'Relu6' | 'HardSwish' | 'Sigmoid' | 'Tanh'): string {
    const s = this.shapes.get(x)!;
    if (op === 'Relu6') {
      const base = this.name('relu6');
      const lo = this.init(`${base}.min`, [], () => 0), hi = this.init(`${base}.max`, [], () => 6);
      return this.node('Clip', base, [x, lo, hi], {}, s);
    }
    return this.node(op, this.name(op.toLowerCase()), [x], {}, s);
  }

  relu(x: string): string {
    return this.act(x, 'Relu');
  }

  maxpool(x: string, k = 2, s = k): string {
    const [c, h, w] = this.chw(x);
    return this.node('MaxPool', this.name('maxpool'), [x], { kernel_shape: [k, k], strides: [s, s], pads: [0, 0, 0, 0] },
      [c, Math.floor((h - k) / s) + 1, Math.floor((w - k) / s) + 1]);
  }

  gap(x: string): string {
    const [c] = this.chw(x);
    return this.node('GlobalAveragePool', this.name('gap'), [x], {}, [c, 1, 1]);
  }

  flatten(x: string): string {
    const s = this.shapes.get(x)!;
    return this.node('Flatten', this.name('flatten'), [x], { axis: 1 }, [s.reduce((a, b) => a * b, 1)]);
  }

  dense(x: string, out: number): string {
    const s = this.shapes.get(x)!;
    if (s.length !== 1) throw new BwvmError('ZOO_SHAPE', `dense input '${x}' must be flattened first`);
    const base = this.name('fc');
    const std = Math.sqrt(2 / s[0]);
    const w = this.init(`${base}.weight`, [out, s[0]], () => this.rng.normal() * std);
    const b = this.init(`${base}.bias`, [out], () => 0);
    return this.node('Gemm', base, [x, w, b], { alpha: 1, beta: 1, transA: 0, transB: 1 }, [out]);
  }

  add(a: string, b: string): string {
    return this.node('Add', this.name('add'), [a, b], {}, this.chw(a));
  }

  concat(xs: string[]): string {
    const shapes = xs.map((x) => this.chw(x));
    const c = shapes.reduce((a, s) => a + s[0], 0);
    return this.node('Concat', this.name('concat'), xs, { axis: 1 }, [c, shapes[0]![1], shapes[0]![2]]);
  }

  /** Finish: mark `x` as the output (logits) and infer every shape. */
  build(x: string, outputName = 'logits'): Graph {
    const last = this.g.nodes[this.g.nodes.length - 1]!;
    if (!last.outputs.includes(x)) throw new BwvmError('ZOO_OUTPUT', `output '${x}' must be the last node's output`);
    last.outputs = last.outputs.map((o) => (o === x ? outputName : o));
    this.g.outputs = [{ name: outputName, dtype: 'float32', shape: [] }];
    return inferShapes(this.g);
  }
}
