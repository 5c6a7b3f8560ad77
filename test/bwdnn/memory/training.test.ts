// Training-step memory: the analytic figures of trainingStepMemory against a hand computation on
// a tiny graph, and against what backward() measures (tape activations + live gradients) on
// the tiny graph, lenet5, vgg_small (BN + ReLU fused on the fast engine) and resnet20 (residual
// Adds pass their gradient through), with both engines.
import { describe, expect, it } from 'vitest';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import type { Graph, Initializer } from '../../../src/ir/types.js';
import { trainingStepMemory } from '../../../src/bwdnn/memory/training.js';
import { forwardTape } from '../../../src/bwdnn/train/tape.js';
import { backward, trainableParams } from '../../../src/bwdnn/train/backward.js';
import { softmaxCrossEntropy } from '../../../src/bwdnn/train/loss.js';
import { trainEngine } from '../../../src/bwdnn/train/engine.js';
import { zooModel, type ZooOptions } from '../../../src/bwdnn/zoo/index.js';
import { Rng } from '../../../src/bwdnn/zoo/rng.js';

/** input [N,1,4,4] -> Conv 1->2 3x3 pad 1 (no bias) -> Relu -> Flatten -> Gemm 32->3 (transB, bias) */
function tiny(): Graph {
  const r = new Rng(3);
  const init = (name: string, shape: number[]): [string, Initializer] =>
    [name, { name, dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal() * 0.3) }];
  return inferShapes(createGraph({
    name: 'tiny', opset: 13,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 1, 4, 4] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [] }],
    initializers: new Map([init('w', [2, 1, 3, 3]), init('W', [3, 32]), init('b', [3])]),
    nodes: [
      { name: 'conv', op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { name: 'relu', op: 'Relu', inputs: ['c'], outputs: ['r'], attrs: {} },
      { name: 'flat', op: 'Flatten', inputs: ['r'], outputs: ['f'], attrs: { axis: 1 } },
      { name: 'fc', op: 'Gemm', inputs: ['f', 'W', 'b'], outputs: ['logits'], attrs: { transB: 1 } },
    ],
  }));
}

function measured(g: Graph, n: number, engine: 'fast' | 'reference'): number {
  const [, ...chw] = g.inputs[0]!.shape as number[];
  const per = chw.reduce((a, b) => a * b, 1);
  const x = { dtype: 'float32' as const, shape: [n, ...chw], data: Float32Array.from({ length: n * per }, (_, i) => Math.sin(i)) };
  const tape = forwardTape(g, { [g.inputs[0]!.name]: x }, true, undefined, trainEngine({ engine, threads: 1 }));
  const out = g.outputs[0]!.name;
  const loss = softmaxCrossEntropy(tape.values.get(out)!.data as Float32Array, Array.from({ length: n }, (_, i) => i % 3), n);
  const stats = { peakBytes: 0 };
  backward(tape, { [out]: loss.grad }, trainableParams(g), { release: true, stats });
  return stats.peakBytes;
}

describe('trainingStepMemory', () => {
  it('matches a hand computation on a tiny graph (batch 2)', () => {
    const m = trainingStepMemory(tiny(), 2);
    // activations (bytes): x 128, c 256, r 256, f 256, logits 24
    expect(m.savedBytes).toBe(920);
    // w 72 + W 384 + b 12
    expect(m.paramGradBytes).toBe(468);
    // inference: c + r live together at most (x freed after conv)
    expect(m.forwardPeakBytes).toBe(512);
    // saved 920 + dlogits 24 = 944; fc adds df 256, dW 384, db 12 -> 1596; logits (24) released -> 1572;
    // flatten adds dr 256 while df is still live -> 1828 (then df, f freed; later steps stay below)
    expect(m.backwardPeakBytes).toBe(1828);
    expect(m.peakBytes).toBe(m.backwardPeakBytes + m.workspaceBytes);
    expect(m.workspaceBytes).toBeGreaterThan(0);
  });

  it('is what backward measures, on the tiny graph and lenet5, with both engines', () => {
    for (const engine of ['reference', 'fast'] as const) {
      expect(measured(tiny(), 2, engine)).toBe(trainingStepMemory(tiny(), 2).backwardPeakBytes);
      const g = zooModel('lenet5', { seed: 1 });
      expect(measured(g, 8, engine)).toBe(trainingStepMemory(g, 8).backwardPeakBytes);
    }
  });

  // vgg_small: BN + ReLU share one buffer on the fast engine; resnet20: residual Adds hand dy on
  it.each<[string, ZooOptions]>([
    ['vgg_small', { seed: 1, width: 0.25 }],
    ['resnet20', { seed: 1, width: 0.25, input: [3, 16, 16] }],
  ])('is what backward measures on %s, with both engines', (name, opts) => {
    const g = zooModel(name, opts);
    for (const engine of ['reference', 'fast'] as const) {
      expect(measured(g, 4, engine), engine).toBe(trainingStepMemory(g, 4, { engine }).backwardPeakBytes);
    }
    expect(trainingStepMemory(g, 4).savedBytes).toBe(trainingStepMemory(g, 4, { engine: 'fast' }).savedBytes);
    if (name === 'vgg_small') expect(trainingStepMemory(g, 4).savedBytes).toBeLessThan(trainingStepMemory(g, 4, { engine: 'reference' }).savedBytes);
  });

  it('scales with the batch and leaves the graph untouched', () => {
    const g = zooModel('lenet5', { seed: 1 });
    const before = JSON.stringify(g.inputs);
    const a = trainingStepMemory(g, 16), b = trainingStepMemory(g, 32);
    expect(b.savedBytes).toBe(2 * a.savedBytes);
    expect(b.paramGradBytes).toBe(a.paramGradBytes);
    expect(JSON.stringify(g.inputs)).toBe(before);
  });
});
