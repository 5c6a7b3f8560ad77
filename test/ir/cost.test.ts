// Cost model against hand-computed FLOPs (multiply-add = 2), parameters and activation bytes.
import { describe, expect, it } from 'vitest';
import { graphCost, nodeCost } from '../../src/ir/cost.js';
import { inferShapes } from '../../src/ir/infer.js';
import { createGraph } from '../../src/ir/graph.js';
import { smallCnn, weight } from './build.js';

describe('cost model', () => {
  const g = inferShapes(smallCnn(1));
  const by = (n: string) => nodeCost(g, g.nodes.find((x) => x.name === n)!);

  it('Conv 3->4, 3x3, pad 1 on 8x8: 2*(4*8*8)*(3*3*3) + bias adds', () => {
    const out = 4 * 8 * 8;
    expect(by('conv').flops).toBe(2 * out * 27 + out);
    expect(by('conv').params).toBe(4 * 3 * 3 * 3 + 4);
    expect(by('conv').activationBytes).toBe(out * 4);
  });

  it('Gemm 64->10 with bias', () => {
    expect(by('fc').flops).toBe(2 * 10 * 64 + 10);
    expect(by('fc').params).toBe(650);
  });

  it('Relu 1 per element, MaxPool 2x2 window per output, Flatten free', () => {
    expect(by('relu').flops).toBe(256);
    expect(by('pool').flops).toBe(64 * 4);
    expect(by('flat').flops).toBe(0);
    expect(by('flat').params).toBe(0);
  });

  it('totals add up; weights bytes count every initializer', () => {
    const c = graphCost(g);
    expect(c.params).toBe(112 + 650);
    expect(c.flops).toBe(c.nodes.reduce((a, n) => a + n.flops, 0));
    expect(c.weightBytes).toBe((108 + 4 + 640 + 10) * 4);
  });

  it('depthwise Conv (group = C) and BatchNormalization params', () => {
    const d = createGraph({ opset: 13 });
    d.inputs.push({ name: 'x', dtype: 'float32', shape: [1, 8, 5, 5] });
    for (const w of [weight('w', [8, 1, 3, 3]), weight('s', [8]), weight('b', [8]), weight('m', [8]), weight('v', [8])]) d.initializers.set(w.name, w);
    d.nodes.push({ name: 'dw', op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: 8 } });
    d.nodes.push({ name: 'bn', op: 'BatchNormalization', inputs: ['y', 's', 'b', 'm', 'v'], outputs: ['z'], attrs: {} });
    d.outputs.push({ name: 'z', dtype: 'float32', shape: [] });
    inferShapes(d);
    expect(nodeCost(d, d.nodes[0]!).flops).toBe(2 * (8 * 3 * 3) * 9);
    expect(nodeCost(d, d.nodes[1]!).params).toBe(16);
  });

  it('symbolic batch counts as 1 (per-sample costs)', () => {
    const s = inferShapes(smallCnn('N'));
    expect(graphCost(s).flops).toBe(graphCost(g).flops);
  });
});
