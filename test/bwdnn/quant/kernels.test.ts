// The integer kernels beyond Conv/Gemm/MaxPool — Relu6 folded into a Conv's clamp, a standalone
// Relu6 (Clip), a residual Add with rescaling, AveragePool with padding, GlobalAveragePool — on a
// small seeded network: the fixed-point reference vs its QDQ export in onnxruntime-node, within
// one output step, for int8 and int16.
import { expect, test } from 'vitest';
import { NetBuilder } from '../../../src/bwdnn/zoo/index.js';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { toQdqGraph } from '../../../src/compress/quant/qdq.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import { ortRunner } from '../../../src/frontend/onnx/index.js';
import type { Graph, Tensor } from '../../../src/ir/types.js';

function net(): Graph {
  const b = new NetBuilder('mix', [2, 8, 8], 5);
  const a = b.act(b.conv(b.input, 4, { k: 3, pad: 1, bias: true }), 'Relu6'); // folded clamp
  const c = b.conv(a, 4, { k: 3, pad: 1, bias: true });
  const r = b.act(b.add(c, a), 'Relu6'); // Add with rescale, then a standalone Clip
  const g = b.build(b.dense(b.flatten(b.gap(r)), 5));
  // an AveragePool with padding (count_include_pad 0) in front of the GAP
  const gap = g.nodes.find((n) => n.op === 'GlobalAveragePool')!;
  g.nodes.splice(g.nodes.indexOf(gap), 0, { name: 'avg', op: 'AveragePool', inputs: [gap.inputs[0]!], outputs: ['avg_out'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
  gap.inputs[0] = 'avg_out';
  return g;
}

const data = (n: number, seed: number): Tensor => ({ dtype: 'float32', shape: [n, 2, 8, 8], data: Float32Array.from({ length: n * 128 }, (_, i) => 2 * Math.sin(i * 0.731 + seed)) });

for (const bits of [8, 16] as const) {
  test(`int${bits}: Clip fold, Add, Clip, AveragePool (padded), GlobalAveragePool vs onnxruntime within one step`, async () => {
    const g = net();
    const m = lowerToInteger(g, collectStats(g, data(32, 1)), { bits, perChannel: true });
    expect(m.nodes.map((n) => n.op)).toEqual(['Conv', 'Conv', 'Add', 'Clip', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    expect(m.nodes[0]!.clamp).toBeDefined();
    const x = data(8, 2);
    const fixed = runQuantized(m, x).output.data as Float32Array;
    const r = await ortRunner(toQdqGraph(m));
    const viaOrt = (await r.run({ input: x })).logits!.data as Float32Array;
    await r.release();
    const s = m.values.get('logits')!.quant.scale[0]!;
    let worst = 0;
    for (let i = 0; i < fixed.length; i++) worst = Math.max(worst, Math.abs(fixed[i]! - viaOrt[i]!) / s);
    // one step, plus float32 rounding of dequantized int16 outputs (|q| up to 2^15: ~2^-9 step)
    expect(worst).toBeLessThanOrEqual(1.01);
  });
}
