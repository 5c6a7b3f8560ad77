// The quantization magics in one session: %calibrate ranges, %quantize int8 per-channel with a
// per-layer table, accuracy and ONNX export (which onnxruntime loads), int16 and a mixed plan.
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeExecutor, resultText, run } from './support/harness.js';
import { MODELS } from '../../src/session/models.js';
import { QMODELS } from '../../src/magics/quant.js';

const LENET = fileURLToPath(new URL('../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));

describe('quantization magics', () => {
  it('%calibrate -> %quantize --bits 8 --per-channel -o -> %quantize --bits 16 -> mixed plan', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, `%load_model ${LENET} --no-graph`)).outcome.status).toBe('ok');
    const c = await run(exec, '%calibrate --samples 64 --method percentile');
    expect(c.outcome.status, c.outcome.traceback?.join('\n')).toBe('ok');
    const ranges = exec.session.results.calibrate as { value: string; min: number; max: number }[];
    expect(ranges.map((r) => r.value)).toContain('relu1_out');
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-quant-'));
    const q = await run(exec, `%quantize --bits 8 --per-channel --samples 100 -o ${join(dir, 'sub', 'l8.onnx')}`);
    expect(q.outcome.status, q.outcome.traceback?.join('\n')).toBe('ok');
    const r = exec.session.results.quantize as { model: string; fp32Accuracy: number; quantizedAccuracy: number; layers: { layer: string; bits: number }[]; file: string };
    expect(r.model).toBe('lenet5_fmnist-int8');
    expect(Math.abs(r.fp32Accuracy - r.quantizedAccuracy)).toBeLessThanOrEqual(0.03);
    expect(r.layers[0]!.layer).toBe('conv1+relu1');
    expect(existsSync(r.file)).toBe(true);
    expect(resultText(q)).toContain('SQNR');
    // the summary line is said once (in the result), not also on stdout
    const said = `${q.stdout}\n${resultText(q)}`.split('lenet5_fmnist -> lenet5_fmnist-int8').length - 1;
    expect(said).toBe(1);
    expect(exec.session.store.get(MODELS, 'lenet5_fmnist-int8')!.format).toBe('qdq');
    // the QDQ session model runs through the ordinary magics, on onnxruntime too
    expect((await run(exec, '%evaluate --model lenet5_fmnist-int8 --limit 50 --engine ort')).outcome.status).toBe('ok');
    const q16 = await run(exec, '%quantize --model lenet5_fmnist --bits 16 --samples 0');
    expect(q16.outcome.status, q16.outcome.traceback?.join('\n')).toBe('ok');
    const mixed = await run(exec, '%quantize --model lenet5_fmnist --bits 8 --layer-bits conv1=16,fc3=16 --samples 0 --name mixed');
    expect(mixed.outcome.status, mixed.outcome.traceback?.join('\n')).toBe('ok');
    const bits = (exec.session.results.quantize as { layers: { bits: number }[] }).layers.map((l) => l.bits);
    expect(bits).toEqual([16, 16, 8, 8, 8, 8, 8, 16]);
    expect(exec.session.store.get(QMODELS, 'mixed')!.nodes[0]!.weight!.dtype).toBe('int16');
    expect(exec.session.store.get(QMODELS, 'mixed')!.input.value.dtype).toBe('int16'); // a 16-bit first layer reads int16
  }, 120_000);

  it('%qat: a few fake-quantized steps, then fp32 / PTQ / QAT accuracy', async () => {
    const { exec } = makeExecutor();
    await run(exec, `%load_model ${LENET} --no-graph`);
    const r = await run(exec, '%qat --bits 8 --max-steps 10 --samples 100');
    expect(r.outcome.status, r.outcome.traceback?.join('\n')).toBe('ok');
    const q = exec.session.results.qat as { model: string; steps: number; fp32Accuracy: number; qatAccuracy: number };
    expect(q.steps).toBe(10);
    expect(q.model).toBe('lenet5_fmnist-qat-int8');
    expect(Math.abs(q.qatAccuracy - q.fp32Accuracy)).toBeLessThanOrEqual(0.04);
    expect(r.stdout).toContain('step 10/10');
    expect(resultText(r)).toContain('QAT int8');
  }, 120_000);

  it('errors: bad bits, unknown method, unknown layer', async () => {
    const { exec } = makeExecutor();
    await run(exec, `%load_model ${LENET} --no-graph`);
    expect((await run(exec, '%quantize --bits 4 --samples 0')).outcome.traceback!.join('\n')).toMatch(/--bits 8 or --bits 16/);
    expect((await run(exec, '%calibrate --method kl --samples 8')).outcome.traceback!.join('\n')).toMatch(/minmax, percentile, mse/);
    expect((await run(exec, '%quantize --layer-bits convX=16 --samples 0')).outcome.traceback!.join('\n')).toMatch(/no layer 'convX'/);
  }, 60_000);
});
