// Real PyTorch exports (fixtures/onnx, made by scripts/fixtures/make_onnx.py at opsets 9/11/13/17):
// bwvm's import + reference executor must match PyTorch's own numbers and onnxruntime on the
// original file; exporting the imported graph must give onnxruntime the same outputs again.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { importOnnxFile } from '../../../src/frontend/onnx/import.js';
import { exportOnnx } from '../../../src/frontend/onnx/export.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import type { Tensor } from '../../../src/ir/types.js';
import { maxRelErr } from '../../bwdnn/reference/ort-support.js';
import { verifyGraph } from '../../../src/ir/verify.js';
import { nodeCost } from '../../../src/ir/cost.js';

const DIR = resolve(import.meta.dirname, '../../../fixtures/onnx');
const MODELS = ['lenet', 'resblock', 'mobileblock', 'upsampler', 'seqmlp'];
const OPSETS = [9, 11, 13, 17];

interface IO { input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] } }
const io = (m: string): IO => JSON.parse(readFileSync(join(DIR, `${m}.io.json`), 'utf8')) as IO;
const f32 = (v: { shape: number[]; data: number[] }): Tensor => ({ dtype: 'float32', shape: v.shape, data: Float32Array.from(v.data) });

async function ortRun(bytes: Uint8Array, x: Tensor): Promise<Tensor> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run({ input: new ort.Tensor('float32', x.data as Float32Array, x.shape) });
  await s.release();
  const o = r.output!;
  return { dtype: 'float32', shape: [...o.dims], data: o.data as Float32Array };
}

describe('PyTorch-exported ONNX fixtures', () => {
  for (const m of MODELS) for (const opset of OPSETS) {
    it(`${m} opset ${opset}: reference == PyTorch == onnxruntime, export round trip`, async () => {
      const file = join(DIR, `${m}_op${opset}.onnx`);
      const g = importOnnxFile(file);
      expect(g.opset).toBe(opset);
      expect(verifyGraph(g)).toEqual([]);
      // shape plumbing (Constant/Unsqueeze/Concat) is folded away at import
      expect(g.nodes.some((n) => n.op === 'Constant' || n.op === 'Unsqueeze')).toBe(false);
      const { input, output } = io(m);
      const x = f32(input), want = f32(output);
      const got = run(g, { input: x }).output!;
      expect(got.shape).toEqual(want.shape);
      expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-4);
      const fromOrt = await ortRun(readFileSync(file), x);
      expect(maxRelErr(got, fromOrt)).toBeLessThanOrEqual(1e-4);
      const roundTrip = await ortRun(exportOnnx(g), x);
      expect(maxRelErr(roundTrip, fromOrt)).toBeLessThanOrEqual(1e-5);
    });
  }

  for (const opset of [9, 13]) {
    it(`lenet_dyn opset ${opset}: x.view(x.size(0), -1) with a symbolic batch infers [batch,256] and runs`, async () => {
      const file = join(DIR, `lenet_dyn_op${opset}.onnx`);
      const g = importOnnxFile(file);
      expect(verifyGraph(g)).toEqual([]);
      const reshape = g.nodes.find((n) => n.op === 'Reshape')!;
      expect(g.valueInfo.get(reshape.outputs[0]!)!.shape).toEqual(['batch', 256]);
      expect(g.outputs[0]!.shape).toEqual(['batch', 10]);
      const fc1 = g.nodes.find((n) => n.op === 'Gemm')!;
      expect(nodeCost(g, fc1).flops).toBe(2 * 256 * 32 + 32);
      const { input, output } = io('lenet_dyn');
      const x = f32(input);
      const got = run(g, { input: x }).output!;
      expect(maxRelErr(got, f32(output))).toBeLessThanOrEqual(1e-4);
      const fromOrt = await ortRun(readFileSync(file), x);
      expect(maxRelErr(await ortRun(exportOnnx(g), x), fromOrt)).toBeLessThanOrEqual(1e-5);
      // binding the batch folds the shape plumbing away
      const bound = importOnnxFile(file, { inputShapes: { input: [3, 1, 28, 28] } });
      expect(bound.nodes.map((n) => n.op)).not.toContain('Shape');
      expect(maxRelErr(run(bound, { input: x }).output!, got)).toBe(0);
    });
  }

  it('keeps the symbolic batch of a dynamic-axes export and runs any batch', () => {
    const g = importOnnxFile(join(DIR, 'resblock_op13.onnx'));
    expect(g.inputs[0]!.shape).toEqual(['batch', 8, 8, 8]);
    expect(g.outputs[0]!.shape).toEqual(['batch', 5]);
    const { input } = io('resblock');
    const one = { dtype: 'float32' as const, shape: [1, 8, 8, 8], data: Float32Array.from(input.data.slice(0, 512)) };
    expect(run(g, { input: one }).output!.shape).toEqual([1, 5]);
    const bound = importOnnxFile(join(DIR, 'resblock_op13.onnx'), { inputShapes: { input: [4, 8, 8, 8] } });
    expect(bound.outputs[0]!.shape).toEqual([4, 5]);
    expect(bound.valueInfo.get(bound.nodes[0]!.outputs[0]!)!.shape).toEqual([4, 8, 8, 8]);
  });

  it('keeps BatchNormalization, depthwise Conv, Concat, Clip and HardSigmoid from the MobileNet block', () => {
    const g = importOnnxFile(join(DIR, 'mobileblock_op13.onnx'));
    const ops = g.nodes.map((n) => n.op);
    for (const op of ['BatchNormalization', 'Clip', 'HardSigmoid', 'Concat', 'AveragePool']) expect(ops).toContain(op);
    expect(g.nodes.some((n) => n.op === 'Conv' && n.attrs.group === 12)).toBe(true);
  });
});
