// `bwvm compress`: writes a smaller model that onnxruntime runs; auto measures sensitivity
// first; bad arguments give usage errors.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { compressVerb } from '../../src/cli/verb-compress.js';
import { importOnnxFile } from '../../src/frontend/onnx/import.js';
import { graphCost } from '../../src/ir/cost.js';
import { zooModel } from '../../src/bwdnn/zoo/index.js';

function capture() {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  return { get out() { return out; }, get err() { return err; }, restore: () => { o.mockRestore(); e.mockRestore(); } };
}

describe('bwvm compress', () => {
  it('prunes a zoo model to half the FLOPs (uniform and auto) and writes ONNX', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-cc-'));
    for (const strategy of ['uniform', 'auto']) {
      const c = capture();
      const code = await compressVerb(['lenet5', '--flops', '0.5', '--strategy', strategy, '--samples', '32', '--ratios', '0.5', '-o', join(dir, `${strategy}.onnx`)]);
      c.restore();
      expect(code, c.err).toBe(0);
      expect(c.out).toMatch(/wrote .*FLOPs \d+\.\d %/);
      const g = importOnnxFile(join(dir, `${strategy}.onnx`));
      expect(graphCost(g).flops).toBeLessThanOrEqual(graphCost(zooModel('lenet5')).flops * 0.5);
      const s = await ort.InferenceSession.create(readFileSync(join(dir, `${strategy}.onnx`)));
      await s.release();
    }
  }, 120_000);

  it('usage errors and bad strategies', async () => {
    const c = capture();
    expect(await compressVerb(['lenet5'])).toBe(2);
    expect(await compressVerb(['lenet5', '--flops', '0.5', '--strategy', 'magic', '-o', '/tmp/x.onnx'])).toBe(1);
    c.restore();
    expect(c.err).toMatch(/strategies: uniform/);
  });
});
