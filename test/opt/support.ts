// Test helpers for the optimizer: tiny graph construction, BN/bias randomization (the zoo's
// BNs are initialized to identity, which would hide folding bugs) and reference comparison.
import { createGraph } from '../../src/ir/graph.js';
import { inferShapes } from '../../src/ir/infer.js';
import type { Graph, Node, Tensor } from '../../src/ir/types.js';
import { run } from '../../src/bwdnn/reference/run.js';
import { compareOutputs } from '../../src/bwdnn/reference/compare.js';
import { randomFeeds } from '../../src/opt/instruments.js';

export function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

export function tensor(shape: number[], f: (i: number) => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, (_, i) => f(i)) };
}

/** A graph from nodes + initializers; one float input 'x' and the given outputs. */
export function tiny(xShape: number[], nodes: Node[], inits: Record<string, Tensor>, outputs: string[]): Graph {
  const g = createGraph({
    name: 'tiny', opset: 14,
    inputs: [{ name: 'x', dtype: 'float32', shape: xShape }],
    outputs: outputs.map((name) => ({ name, dtype: 'float32', shape: [] })),
    nodes,
    initializers: new Map(Object.entries(inits).map(([k, t]) => [k, { name: k, ...t }])),
  });
  return inferShapes(g);
}

export const node = (op: string, name: string, inputs: string[], outputs: string[] = [`${name}_out`], attrs: Node['attrs'] = {}): Node => ({ op, name, inputs, outputs, attrs });

/** Give every BatchNormalization non-trivial statistics and every zero conv bias random values. */
export function randomizeNorms(g: Graph, seed = 3): Graph {
  const r = rand(seed);
  for (const n of g.nodes) {
    if (n.op !== 'BatchNormalization') continue;
    [1, 2, 3, 4].forEach((k) => {
      const t = g.initializers.get(n.inputs[k]!)!;
      const d = t.data as Float32Array;
      for (let i = 0; i < d.length; i++) d[i] = k === 1 || k === 4 ? 0.5 + r() : r() - 0.5;
    });
  }
  return g;
}

/** Max relative error of b's outputs against a's on the same random input. */
export function maxRelDiff(a: Graph, b: Graph, seed = 11): number {
  const feeds = randomFeeds(a, seed);
  const d = compareOutputs(run(b, feeds), run(a, feeds));
  return Math.max(...Object.values(d).map((x) => x.maxRel));
}

export const ops = (g: Graph) => g.nodes.map((n) => n.op);
