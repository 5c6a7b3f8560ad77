// Import of quantized ONNX models made by other tools (test/fixtures/quant/make-qdq.py):
// QLinearConv / QLinearMatMul expanded to QDQ form, and a torch.ao QAT model exported as QDQ.
// The bwDNN reference on the imported graph matches onnxruntime-node on the original bytes
// within one output quantization step.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import * as ort from 'onnxruntime-node';
import { importOnnx } from '../../../src/frontend/onnx/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import type { Graph } from '../../../src/ir/types.js';

const fixture = (f: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/quant/${f}`, import.meta.url)));

/** Scale of the DequantizeLinear that produces the graph output. */
function outputScale(g: Graph): number {
  const n = g.nodes.find((x) => x.outputs[0] === g.outputs[0]!.name)!;
  expect(n.op).toBe('DequantizeLinear');
  return Number(g.initializers.get(n.inputs[1]!)!.data[0]);
}

async function compare(file: string, shape: number[], batches: number): Promise<{ max: number; ops: string[] }> {
  const bytes = fixture(file);
  const g = importOnnx(bytes, { file });
  const s = outputScale(g);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  let max = 0;
  for (let b = 0; b < batches; b++) {
    const x = Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, (_, i) => 2 * Math.sin(i * 0.37 + b * 1.3));
    const inName = g.inputs[0]!.name, outName = g.outputs[0]!.name;
    const want = (await session.run({ [inName]: new ort.Tensor('float32', x, shape) }))[outName]!.data as Float32Array;
    const got = run(g, { [inName]: { dtype: 'float32', shape, data: x } })[outName]!.data as Float32Array;
    expect(got.length).toBe(want.length);
    for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!) / s);
  }
  await session.release();
  return { max, ops: g.nodes.map((n) => n.op) };
}

test('QLinearConv + QLinearMatMul (uint8 activations, int8 per-channel weights, int32 bias) import and match onnxruntime', async () => {
  const r = await compare('qlinear_op13.onnx', [1, 1, 8, 8], 8);
  expect(r.ops).not.toContain('QLinearConv');
  expect(r.ops).toEqual(expect.arrayContaining(['Conv', 'MatMul', 'QuantizeLinear', 'DequantizeLinear']));
  expect(r.max).toBeLessThanOrEqual(1.001);
});

test('a torch.ao QAT model exported as QDQ (per-channel weight fake quant) imports and matches onnxruntime', async () => {
  const r = await compare('torch_qdq_op13.onnx', [1, 1, 8, 8], 8);
  expect(r.ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(4);
  expect(r.max).toBeLessThanOrEqual(1.001);
});
