// The QDQ graph of an integer model: the bwDNN reference runs it (float ops on dequantized
// values), and its ONNX export runs in onnxruntime-node; both agree with the fixed-point
// reference within one output quantization step.
import { expect, test } from 'vitest';
import { collectStats } from '../../../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../../../src/compress/quant/lower.js';
import { toQdqGraph } from '../../../src/compress/quant/qdq.js';
import { runQuantized } from '../../../src/bwdnn/quant/index.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { exportOnnx, importOnnx, ortRunner } from '../../../src/frontend/onnx/index.js';
import { slice } from '../../../src/bwdnn/data/index.js';
import { asTensor, calibSplit, testSet, trainedLenet } from './support.js';

const g = trainedLenet();
const stats = collectStats(g, calibSplit());
const x = asTensor(slice(testSet, 0, 64));

/** Max |a - b| in units of the output scale, and the fraction of elements within one step. */
function steps(a: Float32Array, b: Float32Array, s: number): { max: number; within1: number } {
  let max = 0, ok = 0;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i]! - b[i]!) / s; max = Math.max(max, d); if (d <= 1 + 1e-3) ok++; }
  return { max, within1: ok / a.length };
}

for (const bits of [8, 16] as const) {
  test(`int${bits}: QDQ export in onnxruntime-node and in the bwDNN reference vs the fixed-point reference`, async () => {
    const m = lowerToInteger(g, stats, { bits });
    const s = m.values.get('logits')!.quant.scale[0]!;
    const ref = runQuantized(m, x).output.data as Float32Array;
    const qdq = toQdqGraph(m);
    expect(qdq.opset).toBe(bits === 8 ? 13 : 21);
    // the bwDNN executor holds the int64 parts of an int16 export as BigInt64Arrays (slow): 16 images
    const nRef = bits === 8 ? 64 : 16;
    const viaRef = run(qdq, { input: { ...x, shape: [nRef, ...x.shape.slice(1)], data: (x.data as Float32Array).subarray(0, (x.data.length / 64) * nRef) } }).logits!.data as Float32Array;
    const r = await ortRunner(qdq);
    const viaOrt = (await r.run({ input: x })).logits!.data as Float32Array;
    await r.release();
    const a = steps(viaOrt, ref, s), b = steps(viaRef, ref.subarray(0, viaRef.length), s);
    console.log(`int${bits} ort vs fixed: max ${a.max.toFixed(2)} steps, ${(100 * a.within1).toFixed(2)} % within 1; bwdnn-qdq vs fixed: max ${b.max.toFixed(2)}, ${(100 * b.within1).toFixed(2)} %`);
    // one step (measured 0: the export's int16 layers are exact integer subgraphs), plus float32
    // rounding of dequantized int16 outputs (|q| up to 2^15: ~2^-9 step)
    expect(a.max).toBeLessThanOrEqual(bits === 8 ? 1.001 : 1.01);
    expect(b.max).toBeLessThanOrEqual(bits === 8 ? 1.001 : 1.01);
    if (bits === 8) {
      // opset 13 round trip through ONNX bytes: same graph, same outputs
      const back = importOnnx(exportOnnx(qdq));
      expect(back.nodes.filter((n) => n.op === 'DequantizeLinear').length).toBe(qdq.nodes.filter((n) => n.op === 'DequantizeLinear').length);
      expect(Array.from(run(back, { input: x }).logits!.data as Float32Array)).toEqual(Array.from(viaRef));
    }
  }, 60000);
}
