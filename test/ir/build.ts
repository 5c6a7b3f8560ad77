// Test support: tiny IR graphs built by hand.
import type { Attrs, Graph, Initializer } from '../../src/ir/types.js';
import { createGraph } from '../../src/ir/graph.js';

export function weight(name: string, shape: number[], fill = 0.5): Initializer {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, dtype: 'float32', shape, data: new Float32Array(n).fill(fill) };
}

export function ints(name: string, vals: number[]): Initializer {
  return { name, dtype: 'int64', shape: [vals.length], data: BigInt64Array.from(vals.map(BigInt)) };
}

/** input x [N,3,8,8] -> conv(4,3,3,3,pad1) -> relu -> maxpool 2 -> flatten -> gemm(10) -> y */
export function smallCnn(batch: number | string = 'N'): Graph {
  const g = createGraph({ name: 'cnn', opset: 13 });
  g.inputs.push({ name: 'x', dtype: 'float32', shape: [batch, 3, 8, 8] });
  for (const w of [weight('cw', [4, 3, 3, 3]), weight('cb', [4]), weight('fw', [10, 64]), weight('fb', [10])]) g.initializers.set(w.name, w);
  const node = (name: string, op: string, inputs: string[], outputs: string[], attrs: Attrs = {}) => g.nodes.push({ name, op, inputs, outputs, attrs });
  node('conv', 'Conv', ['x', 'cw', 'cb'], ['c'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  node('relu', 'Relu', ['c'], ['r']);
  node('pool', 'MaxPool', ['r'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] });
  node('flat', 'Flatten', ['p'], ['f']);
  node('fc', 'Gemm', ['f', 'fw', 'fb'], ['y'], { transB: 1 });
  g.outputs.push({ name: 'y', dtype: 'float32', shape: [] });
  return g;
}
