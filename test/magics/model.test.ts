// The model magics through the cell runner: load (zoo and file), summary, graph, predict, export.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { makeExecutor, resultText, run } from './support/harness.js';
import { MODELS } from '../../src/session/models.js';

const ROOT = resolve(import.meta.dirname, '../..');
const html = (r: Awaited<ReturnType<typeof run>>) => (r.result && 'data' in r.result ? (r.result.data['text/html'] as string) : '');

describe('model magics', () => {
  it('%load_model ZOO_NAME shows the summary table and the graph, and keeps the model', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%load_model lenet5');
    expect(r.outcome.status).toBe('ok');
    expect(html(r)).toContain('<table');
    expect(html(r)).toContain('<svg');
    expect(resultText(r)).toContain('TOTAL');
    expect(exec.session.store.get(MODELS, 'lenet5')?.graph.name).toBe('lenet5');
  });

  it('%summary totals are the hand-counted lenet5 parameters; %graph is an SVG', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const s = await run(exec, '%summary');
    const totals = (exec.session.results.summary as { totals: { params: number } }).totals;
    expect(totals.params).toBe(61706);
    expect(resultText(s)).toMatch(/conv1\s+Conv/);
    const g = await run(exec, '%graph');
    expect(g.result && 'data' in g.result ? g.result.data['image/svg+xml'] : '').toContain('<svg');
  });

  it('%load_model FILE loads an ONNX export and binds --input-shape', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, `%load_model ${join(ROOT, 'fixtures/onnx/lenet_op13.onnx')} --name net --no-graph`);
    expect(r.outcome.status).toBe('ok');
    const m = exec.session.store.get(MODELS, 'net')!;
    expect(m.format).toBe('onnx');
  });

  it('%predict runs on bundled Fashion-MNIST samples and shows images with labels', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, '%predict --samples 5');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.predict as { predictions: { predicted: number; label: number }[]; accuracy: number };
    expect(res.predictions).toHaveLength(5);
    for (const p of res.predictions) expect(p.predicted).toBeGreaterThanOrEqual(0);
    expect(html(r).match(/data:image\/png;base64/g)).toHaveLength(5);
    expect(typeof res.accuracy).toBe('number');
  });

  it('%predict on a model with another input size names the mismatch', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model resnet20 --input-shape 3,32,32 --no-graph');
    const r = await run(exec, '%predict');
    expect(r.outcome.status).toBe('error');
    expect(r.outcome.evalue).toContain('[3,32,32]');
    expect((await run(exec, '%predict --random --samples 2')).outcome.status).toBe('ok');
  });

  it('%export_onnx writes a file onnxruntime loads with the same outputs', async () => {
    const { exec } = makeExecutor();
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-export-'));
    await run(exec, '%load_model vgg_small --no-graph');
    const r = await run(exec, `%export_onnx ${join(dir, 'vgg.onnx')}`);
    expect(r.outcome.status).toBe('ok');
    const s = await ort.InferenceSession.create(readFileSync(join(dir, 'vgg.onnx')));
    expect(s.inputNames).toEqual(['input']);
    await s.release();
  });

  it('errors name the zoo models and the loaded models', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%load_model no_such_net');
    expect(r.outcome.status).toBe('error');
    expect(r.outcome.traceback!.join('\n')).toContain('resnet20');
    const s = await run(exec, '%summary --model ghost');
    expect(s.outcome.evalue).toMatch(/no model|load one/);
  });
});
