// Finite-difference gradient checking for the backward pass: build a one-node graph whose inputs
// are all initializers, seed dLoss/dY with a fixed random tensor (loss = sum(y * r)), and compare
// the analytic gradient of every input against central differences on sampled coordinates.
import type { Attrs, Graph, Initializer } from '../../../src/ir/types.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { forwardTape } from '../../../src/bwdnn/train/tape.js';
import { backward } from '../../../src/bwdnn/train/backward.js';
import { Rng } from '../../../src/bwdnn/zoo/rng.js';

export interface Case {
  op: string;
  inputs: { name: string; shape: number[]; fill?: (r: Rng) => number; grad?: boolean }[];
  attrs?: Attrs;
  opset?: number;
  training?: boolean;
}

function build(c: Case, rng: Rng): Graph {
  const inits = new Map<string, Initializer>();
  for (const i of c.inputs) {
    const n = i.shape.reduce((a, b) => a * b, 1);
    inits.set(i.name, { name: i.name, dtype: 'float32', shape: i.shape, data: Float32Array.from({ length: n }, () => (i.fill ?? ((r: Rng) => r.normal()))(rng)) });
  }
  const g = createGraph({ name: c.op, opset: c.opset ?? 13, initializers: inits, nodes: [{ name: 'n', op: c.op, inputs: c.inputs.map((i) => i.name), outputs: ['y'], attrs: c.attrs ?? {} }], outputs: [{ name: 'y', dtype: 'float32', shape: [] }] });
  return inferShapes(g);
}

/** Max relative error between analytic and numeric gradients over sampled coordinates. */
export function gradCheck(c: Case, samples = 12, eps = 1e-2): { worst: number; where: string } {
  const rng = new Rng(42);
  const g = build(c, rng);
  const loss = (): number => {
    const y = forwardTape(g, {}, c.training ?? false).values.get('y')!.data as Float32Array;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * r[i]!;
    return s;
  };
  const y0 = forwardTape(g, {}, c.training ?? false).values.get('y')!;
  const rr = new Rng(7);
  const r = Float32Array.from({ length: y0.data.length }, () => rr.normal());
  const wanted = c.inputs.filter((i) => i.grad !== false).map((i) => i.name);
  const tape = forwardTape(g, {}, c.training ?? false);
  const grads = backward(tape, { y: r.slice() }, wanted);
  let worst = 0, where = '';
  for (const name of wanted) {
    const w = g.initializers.get(name)!.data as Float32Array;
    const ga = grads.get(name);
    if (!ga) throw new Error(`no gradient for ${name}`);
    for (let s = 0; s < samples; s++) {
      const i = Math.floor(rng.next() * w.length);
      const old = w[i]!;
      w[i] = old + eps; const lp = loss();
      w[i] = old - eps; const lm = loss();
      w[i] = old;
      const num = (lp - lm) / (2 * eps);
      const err = Math.abs(num - ga[i]!) / Math.max(1, Math.abs(num), Math.abs(ga[i]!));
      if (err > worst) { worst = err; where = `${name}[${i}] analytic ${ga[i]} numeric ${num}`; }
    }
  }
  return { worst, where };
}

/** Values bounded away from 0 (and from the kinks of Relu/Clip/HardSwish at +-3). */
export const awayFromKinks = (r: Rng): number => {
  const v = (0.2 + 2.5 * r.next()) * (r.next() < 0.5 ? -1 : 1);
  return Math.abs(Math.abs(v) - 3) < 0.2 ? v * 0.8 : v;
};
